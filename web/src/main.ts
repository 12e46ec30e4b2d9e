import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import '@fontsource/noto-sans-sc/400.css';
import '@fontsource/noto-sans-sc/700.css';
import './style.css';
import App from './App.vue';
import { i18n } from './i18n';
import { loadMeta } from './meta';
import { router } from './router';

async function start() {
  await loadMeta().catch(() => undefined); // the pages say so when the lists are missing
  createApp(App).use(i18n).use(router).use(ElementPlus).mount('#app');
}
void start();
