import type { FormItemRule } from 'element-plus';
import { t } from '@/i18n';
import { yuanToFen } from '@/format';

/** Element Plus rules shared by the forms; messages from the i18n files. */
export const required = (): FormItemRule => ({
  required: true,
  message: t('common.required'),
  trigger: 'blur',
});
export const email = (): FormItemRule => ({
  type: 'email',
  message: t('common.invalidEmail'),
  trigger: 'blur',
});
export const amount = (opts: { required?: boolean } = { required: true }): FormItemRule => ({
  trigger: 'blur',
  validator: (_rule, value: unknown, callback) => {
    if ((value === '' || value === null || value === undefined) && !opts.required) return callback();
    if (value === '' || value === null || value === undefined)
      return callback(new Error(t('common.required')));
    return yuanToFen(value as string) === null ? callback(new Error(t('common.invalidAmount'))) : callback();
  },
});
export const integer = (min = 0): FormItemRule => ({
  trigger: 'blur',
  validator: (_rule, value: unknown, callback) =>
    value === '' || value === undefined || value === null
      ? callback()
      : /^\d+$/.test(String(value)) && Number(value) >= min
        ? callback()
        : callback(new Error(t('common.required'))),
});
