import { ElMessageBox } from 'element-plus';
import { t } from '@/i18n';

/** Asks before an act that cannot be taken back: true when the person confirms. */
export const confirmed = (message: string, title: string, confirmButtonText: string): Promise<boolean> =>
  ElMessageBox.confirm(message, title, {
    confirmButtonText,
    cancelButtonText: t('common.cancel'),
    type: 'warning',
  }).then(
    () => true,
    () => false,
  );
