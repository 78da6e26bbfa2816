import { startPopup } from '@/src/ui/popup/start-popup';

void startPopup(document.getElementById('app') as HTMLElement);
