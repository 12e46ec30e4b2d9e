import { onMounted, ref, type Ref } from 'vue';
import { useForm } from './useForm';

/**
 * A page's answer from the API, read when the page opens: `data` (null until then), the page's form state
 * (a refusal lands in its alert), the success line `notice`, and `load` to read it again after a change.
 */
export function useLoaded<T>(fetch: () => Promise<T>) {
  const data = ref(null) as Ref<T | null>;
  const state = useForm();
  const notice = ref<string | null>(null);
  const load = async () => {
    data.value = await fetch();
  };
  onMounted(() => state.run(load));
  return { data, state, notice, load };
}
