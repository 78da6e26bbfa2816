import { startInspector } from '@/src/ui/inspector/start-inspector';

startInspector(document.getElementById('app') as HTMLElement);
