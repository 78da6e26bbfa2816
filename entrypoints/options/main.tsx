import { startOptions } from '@/src/ui/options/start-options';

startOptions(document.getElementById('app') as HTMLElement);
