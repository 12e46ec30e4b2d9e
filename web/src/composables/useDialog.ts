import { shallowReactive } from 'vue';

/**
 * A dialog a page opens for one thing at a time (`show`): `dialog.of` is what it is open for (the dialog's
 * props), `dialog.open` its model, and `dialog.bind` all its attributes (null while it is for nothing): the
 * props, the model, and a key (by `keyOf`) so that a dialog for another thing starts afresh.
 */
export function useDialog<T extends object>(keyOf?: (of: T) => string) {
  const dialog = shallowReactive({
    of: null as T | null,
    open: false,
    get bind() {
      const of = this.of;
      return (
        of && {
          ...of,
          key: keyOf?.(of),
          modelValue: this.open,
          'onUpdate:modelValue': (open: boolean) => (dialog.open = open),
        }
      );
    },
  });
  function show(of: T) {
    dialog.of = of;
    dialog.open = true;
  }
  return { dialog, show };
}
