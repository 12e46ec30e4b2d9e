import { ref, type Ref } from 'vue';
import { useForm } from './useForm';

/**
 * An act asked for in a dialog, in two steps: the first submission only asks for confirmation (`confirming`,
 * shown as the dialog's warning), the second sends. On success the dialog closes and `done` gets the answer.
 * `send` with `{ confirm: false }` acts at once (an act that needs no second step).
 */
export function useConfirmStep<T>(open: Ref<boolean>, done: (res: T) => void) {
  const state = useForm();
  const confirming = ref(false);
  async function send(call: () => Promise<T>, opts: { confirm?: boolean } = {}): Promise<void> {
    if (opts.confirm !== false && !confirming.value) return void (confirming.value = true);
    const res = await state.run(call);
    confirming.value = false;
    if (res) {
      open.value = false;
      done(res);
    }
  }
  return { state, confirming, send };
}
