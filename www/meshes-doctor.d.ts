// Types for the Meshes embed doctor (meshes-doctor.js): a check a host developer runs against
// their own page. Import it before mounting the embed, so a refusal of the real frame by the
// page's own Content-Security-Policy is seen too.

import type { MeshesEmbed } from './meshes-embed.js';

/** pass: fine. warn: something degrades. fail: something breaks. skip: not checkable here. */
export type DoctorLevel = 'pass' | 'warn' | 'fail' | 'skip';

/** Stable ids, one per check. */
export type DoctorCheckId = 'iframe' | 'sandbox' | 'allow' | 'frame-src' | 'framing' | 'coop' | 'clock' | 'cookies';

export interface DoctorCheck {
  id: DoctorCheckId;
  level: DoctorLevel;
  /** One sentence: what was found. */
  title: string;
  /** What breaks because of it, and how it was seen ('' when there is nothing to add). */
  detail: string;
  /** What to change ('' when nothing needs to). */
  fix: string;
}

export interface DoctorReport {
  /** No check failed. */
  ok: boolean;
  /** This page's origin. */
  origin: string;
  /** The embed's origin, or null when no embed iframe was found. */
  embedOrigin: string | null;
  checks: DoctorCheck[];
  /** The same, for a person: one line per check, with what breaks and the fix. */
  text: string;
}

export interface DiagnoseOptions {
  /** The embed's iframe; default: the one mountMeshesEmbed made (`iframe.meshes-embed`). */
  iframe?: HTMLIFrameElement;
  /** The mounted embed: tells whether it loaded (waits up to `timeout`). */
  handle?: Pick<MeshesEmbed, 'ready'>;
  /** The allowed_origins the session was created with: explains a refused frame, near misses included. */
  allowedOrigins?: string | string[];
  /** How long to wait for the embed to load, in ms (default 5000). */
  timeout?: number;
}

export function diagnose(options?: DiagnoseOptions): Promise<DoctorReport>;
