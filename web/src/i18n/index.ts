import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import zh from './zh-CN';
import en from './en';

export type Lang = 'zh' | 'en';
const stored = localStorage.getItem('lang');

/** vue-i18n with the messages of every area (zh-CN first; English on the switch). */
export const i18n = createI18n({
  legacy: false,
  locale: stored === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
  missingWarn: false,
  fallbackWarn: false,
});

export const locale = computed<Lang>(() => (i18n.global.locale.value === 'en' ? 'en' : 'zh'));

export function setLang(lang: Lang): void {
  i18n.global.locale.value = lang === 'en' ? 'en' : 'zh-CN';
  localStorage.setItem('lang', lang);
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}
setLang(locale.value);

export const t = i18n.global.t;
