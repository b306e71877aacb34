// (b) Create N tasks, then await their JoinHandles in order.
use std::time::Instant;

fn work(i: i64) -> i64 { i % 7 }

#[tokio::main]
async fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100000);
    let t0 = Instant::now();
    let handles: Vec<_> = (0..n).map(|i| tokio::spawn(async move { work(i) })).collect();
    let mut total = 0;
    for h in handles {
        total += h.await.unwrap();
    }
    let el = t0.elapsed().as_nanos();
    println!("{}", total);
    println!("{}", el);
}
