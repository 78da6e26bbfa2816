import { startBackground } from '@/src/capture/start-background';

export default defineBackground(() => {
  startBackground();
});
