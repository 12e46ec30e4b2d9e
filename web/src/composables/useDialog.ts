import { shallowReactive } from 'vue';

/**
 * A dialog a page opens for one thing at a time: `dialog.of` is what it is open for (the dialog's props),
 * `dialog.open` its model, and `dialog.key` (by `keyOf`) makes a dialog for another thing start afresh.
 */
export function useDialog<T extends object>(keyOf?: (of: T) => string) {
  const dialog = shallowReactive({ of: null as T | null, open: false, key: undefined as string | undefined });
  function show(of: T) {
    dialog.of = of;
    dialog.key = keyOf?.(of);
    dialog.open = true;
  }
  return { dialog, show };
}
