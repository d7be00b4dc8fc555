//! Starting the servers a test needs: on distinct free ports (again on others if one was taken
//! meanwhile), over a copy of the demo data seeded once per run.

use std::time::{Duration, Instant};
use tokio::process::Child;

/// The demo data, seeded once per test run and written out for each test: seeding is most of a
/// sandbox's start (about 0.7 s), and the suite starts one per test. Kept in memory, so nothing
/// is left behind when the run ends.
pub fn seeded_template() -> &'static [u8] {
    static TEMPLATE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("seeded.db");
        meshes_sandbox::store::seed::seeded_file(&path).expect("seed the template database");
        std::fs::read(&path).expect("read the template database")
    })
}

/// `N` distinct free ports: every listener is held until all are chosen, so no two are the same.
fn free_ports<const N: usize>() -> [u16; N] {
    let held: Vec<_> = (0..N)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("a free port"))
        .collect();
    std::array::from_fn(|i| held[i].local_addr().expect("its address").port())
}

/// Start a server on ports of its own: `spawn` gets `N` free ports and `listening` says which
/// of them to wait for. A port taken between choosing and binding (another process's outbound
/// connection can land on it) makes the server exit, and it is started again on others.
pub async fn start_listening<const N: usize>(
    what: &str,
    spawn: impl Fn([u16; N]) -> Child,
    listening: impl Fn([u16; N]) -> Vec<u16>,
) -> (Child, [u16; N]) {
    for _ in 0..3 {
        let ports = free_ports::<N>();
        let mut child = spawn(ports);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if child.try_wait().ok().flatten().is_some() {
                break; // it exited: a port was taken; try others
            }
            let mut up = true;
            for port in listening(ports) {
                up &= tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .is_ok();
            }
            if up {
                return (child, ports);
            }
            assert!(Instant::now() < deadline, "{what} did not start listening");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!("{what} could not start on free ports (three tries)")
}
