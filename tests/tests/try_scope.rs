//! `try_scope`: the first `Err` cancels the rest and is what the caller
//! gets; no later error can occur.

use std::future;
use std::time::Duration;

use loopy_tests::DropCount;

#[test]
fn all_ok_returns_the_bodys_value() {
    loopy::block_on(async {
        let numbers = ["1", "2", "3"];
        let numbers = &numbers;
        let sum = loopy::task::try_scope(|s| async move {
            let handles: Vec<_> = numbers
                .iter()
                .map(|n| s.spawn(async move { n.parse::<u32>() }))
                .collect();
            let mut sum = 0;
            for handle in handles {
                sum += handle.await;
            }
            Ok(sum)
        })
        .await;
        assert_eq!(sum, Ok(6));
    });
}

#[test]
fn the_first_error_wins_and_cancels_the_rest() {
    loopy::block_on(async {
        let drops = DropCount::new();
        let d = &drops;
        let out: Result<(), &str> = loopy::task::try_scope(|s| async move {
            let guard = d.guard();
            s.spawn(async move {
                let _guard = guard;
                loopy::sleep(Duration::from_secs(3600)).await;
                Ok(())
            });
            s.spawn(async {
                loopy::sleep(Duration::from_millis(30)).await;
                Err::<(), _>("second")
            });
            s.spawn(async {
                loopy::sleep(Duration::from_millis(1)).await;
                Err::<(), _>("first")
            });
            future::pending().await
        })
        .await;
        assert_eq!(out, Err("first"));
        assert_eq!(drops.get(), 1, "the sleeper was cancelled");
    });
}

#[test]
fn errors_in_one_turn_keep_the_first_polled() {
    loopy::block_on(async {
        let out: Result<(), u32> = loopy::task::try_scope(|s| async move {
            s.spawn(async { Err::<(), _>(1) });
            s.spawn(async { Err::<(), _>(2) });
            future::pending().await
        })
        .await;
        assert_eq!(out, Err(1));
    });
}

#[test]
fn an_error_from_the_body_cancels_the_children() {
    loopy::block_on(async {
        let drops = DropCount::new();
        let d = &drops;
        let out: Result<(), String> = loopy::task::try_scope(|s| async move {
            let guard = d.guard();
            s.spawn(async move {
                let _guard = guard;
                future::pending::<Result<(), String>>().await
            });
            loopy::yield_now().await;
            Err("body".to_string())
        })
        .await;
        assert_eq!(out.unwrap_err(), "body");
        assert_eq!(drops.get(), 1);
    });
}
