// Types for the Meshes embed host kit (meshes-embed.js). Hand-written; checked by
// `tsc --noEmit` against e2e/kit-types/usage.ts in the tests. The wire contract behind each
// event is docs/contract.md §3; the kit's behaviour is §6.

/** The iframe's sandbox when you pass none: popups may escape it for the hosted OAuth sign-in. */
export declare const DEFAULT_SANDBOX: string;

/** A page of the workspace, as `meshes:navigate` names it. */
export type MeshesPage =
  | 'dashboard'
  | 'connections'
  | 'connection_mappings'
  | 'rules'
  | 'events'
  | 'event_detail';

/** Why the embed has no usable credential (`meshes:token-expired`). */
export type ExpiredReason =
  | 'launch_token_missing'
  | 'launch_token_invalid'
  | 'launch_token_expired'
  | 'launch_token_used'
  | 'session_ended'
  | 'session_mismatch'
  | 'refresh_timeout'
  | 'refresh_failed'
  | 'access_token_expired';

/**
 * Why `meshes:ready` never came:
 * - `frame-refused`: the embed origin answers but nothing ran in the frame: this page's origin is
 *   not in the session's `allowed_origins`, or this page's CSP `frame-src` does not allow the
 *   embed origin;
 * - `launch-refused`: the launch URL is unknown or malformed: mint a new session;
 * - `launch-expired`: the launch URL expired or was already used: mint a new session;
 * - `network`: the embed origin could not be reached (or the embed could not reach its API);
 * - `unknown`: the embed loaded but did not become ready within `readyTimeout`.
 */
export type LoadErrorCode = 'frame-refused' | 'launch-refused' | 'launch-expired' | 'network' | 'unknown';

/** A CSS colour: `#rgb`, `#rrggbb`(`aa`), `rgb()`/`hsl()` of numbers, or a named colour. */
export type CssColor = string;
/** CSS pixels, e.g. `"16px"`. */
export type CssPx = `${number}px`;

/**
 * The embed's look (capability `appearance`). Each key is checked on its own inside the embed
 * against a small CSS grammar; a value that fails, and any unknown key, is ignored.
 */
export interface Appearance {
  /** `auto` follows the user's system (`prefers-color-scheme`). Both themes are WCAG AA. */
  theme?: 'light' | 'dark' | 'auto';
  colorPrimary?: CssColor;
  colorBackground?: CssColor;
  colorText?: CssColor;
  colorSecondaryText?: CssColor;
  colorBorder?: CssColor;
  colorDanger?: CssColor;
  colorSuccess?: CssColor;
  /** A family list: `"Inter", system-ui, sans-serif` (names, quoted or not; nothing else). */
  fontFamily?: string;
  /** 12–20 px. */
  fontSizeBase?: CssPx;
  /** 0–24 px. */
  borderRadius?: CssPx;
  /** The base of the page's padding and gaps, 2–8 px (default 4 px). */
  spacingUnit?: CssPx;
}

/** What the embed supports (feature-detect instead of assuming). */
export interface ReadyInfo {
  /** The contract version: 1, or 0 for an embed that does not say. */
  version: number;
  /** e.g. `navigate-to`; unknown names may appear and are to be ignored. */
  capabilities: string[];
}

/** The event names of `on()` and what each callback receives. */
export interface MeshesEventMap {
  ready: ReadyInfo;
  navigate: { type: 'meshes:navigate'; path: string; page: MeshesPage };
  'navigate-refused': {
    type: 'meshes:navigate-refused';
    path: string;
    reason: 'unknown_path' | 'not_allowed' | 'busy';
  };
  resize: { type: 'meshes:resize'; height: number };
  'scroll-into-view': { type: 'meshes:scroll-into-view'; top: number; height: number };
  connection: {
    type: 'meshes:connection';
    connection_id: string;
    integration: string;
    outcome: 'created' | 'reauthorized';
  };
  /** `remint`: only a new session helps (launch reasons, `session_ended`); otherwise a later
   * token for the same session recovers it. */
  expired: { type: 'meshes:token-expired'; reason: ExpiredReason; remint: boolean };
  /** `meshes:ready` did not come; the same error rejects `ready`. */
  error: { type: 'error'; code: LoadErrorCode };
  /** Your `refresh` failed three times; the embed was told and pauses changes. */
  'refresh-failed': { type: 'host:refresh-failed'; error: string };
}

export type MeshesEventName = keyof MeshesEventMap;

/** Every message as `onEvent` receives it (the wire messages, and the kit's own two). */
export type MeshesMessage =
  | ({ type: 'meshes:ready' } & Partial<ReadyInfo>)
  | { type: 'meshes:token-refresh'; reason?: 'scheduled' | 'unauthorized' | 'expired' }
  | Exclude<MeshesEventMap[MeshesEventName], ReadyInfo>;

export interface MountOptions {
  /** `launch_url` from your backend's `POST /api/v1/sessions`. */
  launchUrl: string;
  /** `access_token` from the same answer. */
  accessToken: string;
  /** Your backend's `POST /api/v1/sessions/{id}/refresh`: resolve to the new access token.
   * Pass `signal` to fetch: a try that hangs past 8 s is aborted and retried (3 tries). */
  refresh: (options: { signal: AbortSignal }) => Promise<string> | string;
  /** Every message, e.g. to log (prefer `on()` for behaviour). */
  onEvent?: (message: MeshesMessage) => void;
  /** Frame height bounds in CSS px (defaults 480 and 10000). */
  minHeight?: number;
  maxHeight?: number;
  /** The iframe's accessible name (default "Integrations workspace"). */
  title?: string;
  /** The iframe's sandbox (default `DEFAULT_SANDBOX`). */
  sandbox?: string;
  /** Opt in to the OAuth redirect fallback (docs/contract.md §8). */
  oauthRedirect?: boolean;
  /** Reopen at an earlier `meshes:navigate` path (`/workspace/...`). */
  path?: string;
  /** Covers the frame until the embed paints: your element (positioned over the frame), or
   * `false` for none. The default is a status line with the class `meshes-embed-loader`. */
  loader?: HTMLElement | false;
  /** How long to wait for `meshes:ready` before the `error` event, in ms (default 15000; a
   * finite number up to 2147483647). */
  readyTimeout?: number;
  /** The look, applied before the first page paints. */
  appearance?: Appearance;
  /** The language, as a BCP 47 tag (`'fr'`, `'fr-CA'`, `'ar'`; capability `locale`). Texts come
   * from the tag's language when the embed ships it (`en`, `fr`, `de`, `ar`), and dates and
   * numbers follow the whole tag (`en-GB`: British dates); any other language reads English. Left out: the browser's languages decide. */
  locale?: string;
}

export interface MeshesEmbed {
  readonly iframe: HTMLIFrameElement;
  /** The embed's origin (from `launchUrl`): the only origin messages go to or are taken from. */
  readonly origin: string;
  /** Settles on `meshes:ready`; rejects with an `Error` whose `code` is a `LoadErrorCode`, or
   * `destroyed` when `destroy()` came first. A `ready` after a timeout still arrives as the
   * `ready` event (and `navigate()` works from then on). */
  readonly ready: Promise<ReadyInfo>;
  /** Listen to one event; returns a function that stops listening. */
  on<K extends MeshesEventName>(event: K, callback: (detail: MeshesEventMap[K]) => void): () => void;
  /** Open an in-app path (`/workspace/events?status=failed`). Every call is answered by a
   * `navigate` event (followed, or already there) or `navigate-refused` (a path this session may
   * not open, or `busy` while the user decides about unsaved changes). Waits for `ready`;
   * rejects if the embed does not offer `navigate-to`. */
  navigate(path: string): Promise<void>;
  /** Change the look or the language live, without a reload (sent once the embed is ready; an
   * embed without the `appearance` or `locale` capability ignores that part). Keys left out
   * keep their current value; other keys are ignored. To follow the browser's language
   * again, pass `navigator.language`. */
  update(options: { appearance?: Appearance; locale?: string }): void;
  /** Push a token you refreshed on your own schedule. */
  setToken(token: string): void;
  /** Remove the frame and the kit's window listener; nothing is reported after it. */
  destroy(): void;
}

export declare function mountMeshesEmbed(container: Element, options: MountOptions): MeshesEmbed;
