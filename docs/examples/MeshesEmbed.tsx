// A React wrapper around the Meshes host kit: mounts once per session, follows the embed's
// events through props, and destroys the frame (and its listeners) on unmount. Type-checked in
// the tests against the kit's types (e2e/kit-types/tsconfig.json).
import { useEffect, useRef, useState } from 'react';
import {
  mountMeshesEmbed,
  type LoadErrorCode,
  type MeshesEmbed as Handle,
  type MeshesEventMap,
} from '@meshes/embed';

export interface MeshesSession {
  session_id: string;
  launch_url: string;
  access_token: string;
}

export interface MeshesEmbedProps {
  /** A freshly minted session from your backend (a new one remounts the embed). */
  session: MeshesSession;
  /** Your backend's refresh endpoint: resolves to the new access token. */
  refresh: (sessionId: string, signal: AbortSignal) => Promise<string>;
  /** Reopen where the user was (an earlier `onNavigate` path). */
  path?: string;
  onNavigate?: (detail: MeshesEventMap['navigate']) => void;
  /** Only a new session helps when `remint` is true: mint one and pass it in. */
  onExpired?: (detail: MeshesEventMap['expired']) => void;
  onConnection?: (detail: MeshesEventMap['connection']) => void;
  className?: string;
}

export function MeshesEmbed({
  session,
  refresh,
  path,
  onNavigate,
  onExpired,
  onConnection,
  className,
}: MeshesEmbedProps) {
  const box = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<LoadErrorCode | null>(null);
  // The latest callbacks, without remounting the frame when a parent re-renders.
  const handlers = useRef({ refresh, onNavigate, onExpired, onConnection });
  handlers.current = { refresh, onNavigate, onExpired, onConnection };

  useEffect(() => {
    if (!box.current) return;
    setProblem(null);
    const embed: Handle = mountMeshesEmbed(box.current, {
      launchUrl: session.launch_url,
      accessToken: session.access_token,
      refresh: ({ signal }) => handlers.current.refresh(session.session_id, signal),
      path,
    });
    const stops = [
      embed.on('navigate', (d) => handlers.current.onNavigate?.(d)),
      embed.on('expired', (d) => handlers.current.onExpired?.(d)),
      embed.on('connection', (d) => handlers.current.onConnection?.(d)),
      embed.on('error', ({ code }) => setProblem(code)),
    ];
    return () => {
      stops.forEach((stop) => stop());
      embed.destroy();
    };
    // A new session (or a new start page) is a new embed; nothing else remounts it.
  }, [session.session_id, session.launch_url, path]);

  return (
    <div className={className}>
      {problem && (
        <p role="alert">
          {problem === 'frame-refused' || problem === 'network'
            ? 'Integrations could not be loaded. Check your connection and reload the page.'
            : 'Integrations could not start. Reload the page to try again.'}
        </p>
      )}
      <div ref={box} />
    </div>
  );
}
