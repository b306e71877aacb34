// (a) Sequential spawn+await: spawn one task, await its JoinHandle, N times.
use std::time::Instant;

fn work(i: i64) -> i64 { i % 7 }

#[tokio::main]
async fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10000);
    let t0 = Instant::now();
    let mut total = 0;
    for i in 0..n {
        total += tokio::spawn(async move { work(i) }).await.unwrap();
    }
    let el = t0.elapsed().as_nanos();
    println!("{}", total);
    println!("{}", el);
}
