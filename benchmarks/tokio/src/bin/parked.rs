// (c) N tasks parked on one channel: each takes one value from a shared
// receiver and returns it; main waits until all have started, then sends
// 0..N.  Peak RSS over the N = 0 baseline gives bytes per parked task.
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, Mutex};

#[tokio::main]
async fn main() {
    let n: i64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(100000);
    let t0 = Instant::now();
    let (tx, rx) = mpsc::channel::<i64>(1);
    let rx = Arc::new(Mutex::new(rx));
    let started = Arc::new(AtomicI64::new(0));
    let mut handles = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let rx = rx.clone();
        let started = started.clone();
        handles.push(tokio::spawn(async move {
            started.fetch_add(1, Ordering::SeqCst);
            rx.lock().await.recv().await.unwrap()
        }));
    }
    while started.load(Ordering::SeqCst) < n {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    for i in 0..n {
        tx.send(i).await.unwrap();
    }
    let mut total = 0;
    for h in handles {
        total += h.await.unwrap();
    }
    let el = t0.elapsed().as_nanos();
    println!("{}", total);
    println!("{}", el);
}
