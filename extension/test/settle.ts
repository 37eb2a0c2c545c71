import { vi } from 'vitest';

/** Lets promise chains (storage, the event queue) run without moving the (fake) clock. */
export const settle = () => vi.advanceTimersByTimeAsync(0);
