import { getCurrentInstance, provide, reactive, ref, type InjectionKey } from 'vue';
import { ApiError } from '@/api/client';

/**
 * A form's server state: the refusal (shown above the form) and each refused field's reason (shown at the
 * field, by its `prop`: `body.policy.premiumFen` → `policy.premiumFen`), plus `busy` while it is sent.
 * Called in a component's setup, it is also given to the component's children (`FormField`, `SubmitButton`,
 * `ConfirmDialog` find their form's errors and busy state by FORM_STATE).
 */
export function useForm() {
  const fieldErrors = reactive<Record<string, string>>({});
  const error = ref<ApiError | null>(null);
  const busy = ref(false);

  function clear() {
    error.value = null;
    for (const k of Object.keys(fieldErrors)) delete fieldErrors[k];
  }

  function fail(e: unknown) {
    clear();
    error.value = e instanceof ApiError ? e : new ApiError(0, 'ERROR', String((e as Error)?.message ?? e));
    for (const d of error.value.details) {
      const prop = d.path.replace(/^(body|query|params|headers)\.?/, '');
      fieldErrors[prop] = fieldErrors[prop] ? `${fieldErrors[prop]}；${d.message}` : d.message;
    }
  }

  /** Runs `fn`; a refusal lands in `error`/`fieldErrors` and the result is undefined. */
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = true;
    clear();
    try {
      return await fn();
    } catch (e) {
      fail(e);
      return undefined;
    } finally {
      busy.value = false;
    }
  }

  /** An error shown at a field without asking the server (a check in the browser). */
  function local(prop: string, message: string) {
    fieldErrors[prop] = message;
  }

  const form = { fieldErrors, error, busy, run, fail, clear, local };
  if (getCurrentInstance()) provide(FORM_STATE, form);
  return form;
}
export type FormState = ReturnType<typeof useForm>;
export const FORM_STATE: InjectionKey<FormState> = Symbol('form state');
