// (g) N tasks each sleep 100 ms and return their index; main awaits all.
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10000);
    let t0 = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|i| {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(100)).await;
                i
            })
        })
        .collect();
    let mut total = 0;
    for h in handles {
        total += h.await.unwrap();
    }
    let el = t0.elapsed().as_nanos();
    println!("{}", total);
    println!("{}", el);
}
