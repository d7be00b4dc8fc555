//! Load generators and what they measure: open-loop at a fixed rate (latency from the moment
//! each request was due, so a slow server cannot hide its backlog), and closed-loop with N
//! clients (the most the server does).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub errors: usize,
    pub seconds: f64,
    /// Milliseconds, sorted.
    pub latencies: Vec<f64>,
}

impl Stats {
    pub fn pct(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let i = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[i.min(self.latencies.len() - 1)]
    }

    pub fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.seconds
    }

    fn from(samples: Vec<Result<f64, ()>>, seconds: f64) -> Stats {
        let sent = samples.len();
        let mut latencies: Vec<f64> = samples.into_iter().filter_map(Result::ok).collect();
        latencies.sort_by(f64::total_cmp);
        Stats {
            errors: sent - latencies.len(),
            seconds,
            latencies,
        }
    }
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> Result<(), ()> {
    let res = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|_| ())?;
    let ok = res.status().is_success();
    res.bytes().await.map_err(|_| ())?;
    ok.then_some(()).ok_or(())
}

/// `rate` requests per second to `url` for `secs`, each timed from when it was due.
pub async fn open_loop(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    rate: u32,
    secs: u64,
) -> Stats {
    let samples = Arc::new(Mutex::new(vec![]));
    let every = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = Instant::now();
    let total = u64::from(rate) * secs;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        let due = start + every.mul_f64(n as f64);
        tokio::time::sleep_until(due.into()).await;
        let (client, url, token, samples) = (
            client.clone(),
            url.to_owned(),
            token.to_owned(),
            samples.clone(),
        );
        tasks.spawn(async move {
            let r = get(&client, &url, &token).await;
            let ms = due.elapsed().as_secs_f64() * 1000.0;
            samples.lock().expect("samples").push(r.map(|_| ms));
        });
    }
    while tasks.join_next().await.is_some() {}
    let secs = start.elapsed().as_secs_f64();
    let samples = std::mem::take(&mut *samples.lock().expect("samples"));
    Stats::from(samples, secs)
}

/// `clients` clients each sending the next request when the last one is answered, for `secs`.
pub async fn closed_loop(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    clients: usize,
    secs: u64,
) -> Stats {
    let start = Instant::now();
    let end = start + Duration::from_secs(secs);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
        tasks.spawn(async move {
            let mut mine = vec![];
            while Instant::now() < end {
                let t = Instant::now();
                let r = get(&client, &url, &token).await;
                mine.push(r.map(|_| t.elapsed().as_secs_f64() * 1000.0));
            }
            mine
        });
    }
    let mut samples = vec![];
    while let Some(Ok(mine)) = tasks.join_next().await {
        samples.extend(mine);
    }
    Stats::from(samples, start.elapsed().as_secs_f64())
}
