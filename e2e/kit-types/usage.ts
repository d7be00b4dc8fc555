// A vendor's use of the host kit, type-checked against www/meshes-embed.d.ts (through the
// package's `types`). The @ts-expect-error lines are mistakes the types must catch: if one
// stops being an error, tsc fails.
import { mountMeshesEmbed, type MeshesEmbed, type LoadErrorCode } from '@meshes/embed';

declare const session: { launch_url: string; access_token: string; session_id: string };

const embed: MeshesEmbed = mountMeshesEmbed(document.querySelector('#embed')!, {
  launchUrl: session.launch_url,
  accessToken: session.access_token,
  refresh: async ({ signal }) => {
    const res = await fetch(`/api/embed-sessions/${session.session_id}/refresh`, { method: 'POST', signal });
    return ((await res.json()) as { access_token: string }).access_token;
  },
  loader: document.createElement('div'),
  appearance: { theme: 'auto', colorPrimary: '#0b7285', fontSizeBase: '15px' },
  locale: 'fr-CA',
  readyTimeout: 10_000,
  onEvent: (message) => console.debug(message.type),
});

async function main(): Promise<void> {
  try {
    const { version, capabilities } = await embed.ready;
    if (version >= 1 && capabilities.includes('navigate-to')) {
      await embed.navigate('/workspace/events?status=failed');
    }
  } catch (error) {
    const code = (error as Error & { code: LoadErrorCode }).code;
    console.warn(code);
  }
}

const stops: Array<() => void> = [
  embed.on('navigate', ({ path, page }) => history.replaceState(null, '', `?page=${page}&path=${encodeURIComponent(path)}`)),
  embed.on('navigate-refused', ({ reason }) => console.warn(reason === 'not_allowed')),
  embed.on('expired', ({ reason, remint }) => { if (remint) console.info('mint a new session', reason); }),
  embed.on('error', ({ code }) => { const known: LoadErrorCode = code; console.error(known); }),
  embed.on('connection', ({ connection_id, outcome }) => console.info(connection_id, outcome === 'created')),
  embed.on('refresh-failed', ({ error }) => console.error(error.length)),
  embed.on('resize', ({ height }) => console.debug(height.toFixed(0))),
  embed.on('ready', ({ capabilities }) => console.debug(capabilities.join())),
];

embed.update({ appearance: { theme: 'dark', borderRadius: '4px', spacingUnit: '5px' } });
// @ts-expect-error: not a theme
embed.update({ appearance: { theme: 'sepia' } });
// @ts-expect-error: lengths are in px
embed.update({ appearance: { fontSizeBase: '1rem' } });
embed.update({ locale: 'ar' });
// @ts-expect-error a locale is a tag, not a list
embed.update({ locale: ['fr'] });
// @ts-expect-error: no such event
embed.on('readdy', () => {});
// @ts-expect-error: a navigate event has no height
embed.on('navigate', ({ height }) => height);
// @ts-expect-error: refresh must give a token string
mountMeshesEmbed(document.body, { launchUrl: '', accessToken: '', refresh: async () => 42 });
// @ts-expect-error: launchUrl is required
mountMeshesEmbed(document.body, { accessToken: '', refresh: () => '' });

void main();
stops.forEach((stop) => stop());
embed.destroy();

// The doctor, as a host developer runs it.
import { diagnose, type DoctorReport } from '@meshes/embed/doctor';

async function checkPage(): Promise<void> {
  const report: DoctorReport = await diagnose({ handle: embed, allowedOrigins: ['https://app.example.com'] });
  for (const c of report.checks) if (c.level === 'fail') console.error(c.id, c.title, c.fix);
  // @ts-expect-error: levels are a closed set
  const level: DoctorReport['checks'][number]['level'] = 'error';
  void level;
}
void checkPage;
