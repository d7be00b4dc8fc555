use axum::Router;
use clap::Parser;
use meshes_sandbox::config::Config;
use meshes_sandbox::store::db::Db;
use meshes_sandbox::store::seed;
use meshes_sandbox::{AppState, bind_all, host, meshes_router, provider_router};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| "meshes_sandbox=info,warn".into()),
        )
        .init();
    let cfg = Config::parse();
    if cfg.default_key_exposed() {
        tracing::warn!(
            "the default management key is in use on an address other machines can reach: \
             anyone there can mint sessions. Set --management-key (MESHES_MANAGEMENT_KEY)."
        );
    }
    let db =
        Db::open(&cfg.db).map_err(|e| format!("cannot open database {}: {e}", cfg.db.display()))?;
    let state = AppState::new(cfg.clone(), db.clone()).map_err(|e| e.to_string())?;
    let inbox = format!("{}/inbox", cfg.provider_origin());
    if !cfg.no_seed && seed::seed(&db, state.clock.now(), &inbox, cfg.seed_events as usize)? {
        tracing::info!("seeded the demo workspace");
    }
    seed::connect_seeded_apps(&state)?;
    meshes_sandbox::engine::spawn(state.clone());
    if !cfg.dist.join("index.html").exists() {
        tracing::warn!(dist = %cfg.dist.display(), "no embed build found; run `cargo xtask dev` or `trunk build`");
    }

    let servers: [(&str, String, Router); 3] = [
        ("meshes", cfg.api_addr.clone(), meshes_router(state.clone())),
        ("host", cfg.host_addr.clone(), host::router(state.clone())),
        (
            "provider",
            cfg.provider_addr.clone(),
            provider_router(&state),
        ),
    ];
    let mut tasks = tokio::task::JoinSet::new();
    for (name, addr, router) in servers {
        let listeners = bind_all(&addr)
            .await
            .map_err(|e| format!("cannot listen on {addr} ({name}): {e}"))?;
        for l in listeners {
            let router = router.clone();
            tasks.spawn(meshes_sandbox::serve(l, router));
        }
    }
    println!("meshes-sandbox ready");
    println!("  Demo host app (Acme CRM):  {}/", cfg.host_origin());
    println!(
        "  Meshes API + embed:        {}/api/v1  {}/workspace/dashboard",
        cfg.api_origin(),
        cfg.embed_origin()
    );
    println!(
        "  Fake OAuth providers:      {}/<integration>/authorize",
        cfg.provider_origin()
    );
    println!("  Management key:            {}", cfg.management_key);
    println!("  Demo workspace id:         {}", seed::DEMO_WORKSPACE_ID);
    println!(
        "  Webhook inbox:             {inbox}/{}",
        meshes_sandbox::receiver::DEMO_INBOX
    );
    println!("  Database:                  {}", cfg.db.display());

    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        Some(res) = tasks.join_next() => {
            res??;
        }
    }
    Ok(())
}
