// (e) Fire-and-forget: N detached tasks each add 1 to a shared counter;
// main polls the counter until it reaches N.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000000);
    let counter = Arc::new(AtomicI64::new(0));
    let t0 = Instant::now();
    for _ in 0..n {
        let c = counter.clone();
        tokio::spawn(async move {
            c.fetch_add(1, Ordering::SeqCst);
        });
    }
    while counter.load(Ordering::SeqCst) < n {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let el = t0.elapsed().as_nanos();
    println!("{}", counter.load(Ordering::SeqCst));
    println!("{}", el);
}
