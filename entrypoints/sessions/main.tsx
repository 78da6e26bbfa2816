import { startLibrary } from '@/src/ui/sessions/start-library';

startLibrary(document.getElementById('app') as HTMLElement);
