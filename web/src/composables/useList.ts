import { onMounted, ref, type Ref } from 'vue';
import { useForm } from './useForm';

/**
 * A page's list from the API, loaded when the page opens: `items`, the page's form state (a refusal lands in
 * its alert), the success line `notice`, and `load` to read the list again after a change.
 */
export function useList<T>(fetch: () => Promise<{ items: T[] }>) {
  const items = ref([]) as Ref<T[]>;
  const state = useForm();
  const notice = ref<string | null>(null);
  const load = async () => {
    items.value = (await fetch()).items;
  };
  onMounted(() => state.run(load));
  return { items, state, notice, load };
}
