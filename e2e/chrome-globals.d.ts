// The few extension APIs the tests call inside extension pages (page.evaluate runs there, not here).
declare const chrome: {
  notifications: { getAll(): Promise<Record<string, boolean>> };
  tabs: {
    query(q: {
      active?: boolean;
      windowId?: number;
    }): Promise<{ id?: number; windowId: number; url?: string; active: boolean }[]>;
    create(p: { windowId?: number; url: string; active?: boolean }): Promise<unknown>;
  };
  storage: { local: { get(keys: null | string | string[]): Promise<Record<string, unknown>> } };
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  action: { getBadgeText(details: object): Promise<string> };
};

/** Firefox's promise-based namespace (MV2: the toolbar button is `browserAction`). */
declare const browser: {
  runtime: { sendMessage(message: unknown): Promise<unknown> };
  browserAction: { getBadgeText(details: object): Promise<string> };
  storage: { local: { get(keys: null | string | string[]): Promise<Record<string, unknown>> } };
};
