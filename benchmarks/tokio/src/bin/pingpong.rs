// (f) Ping-pong between two tasks, N round trips.  Tokio has no unbuffered
// (rendezvous) channel; mpsc::channel(1) is the closest, so each direction
// holds at most one value.
use std::time::Instant;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100000);
    let (ping_tx, mut ping_rx) = mpsc::channel::<i64>(1);
    let (pong_tx, mut pong_rx) = mpsc::channel::<i64>(1);
    let t0 = Instant::now();
    tokio::spawn(async move {
        for _ in 0..n {
            let v = ping_rx.recv().await.unwrap();
            pong_tx.send(v + 1).await.unwrap();
        }
    });
    let mut v = 0;
    for _ in 0..n {
        ping_tx.send(v).await.unwrap();
        v = pong_rx.recv().await.unwrap();
    }
    let el = t0.elapsed().as_nanos();
    println!("{}", v);
    println!("{}", el);
}
