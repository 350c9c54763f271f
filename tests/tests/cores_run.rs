//! `loopy::cores::run` starts one loop per index, each on its own thread
//! named `loopy-core-{i}`, runs futures that need not be `Send`, and
//! returns the outputs in index order; `cores::index()` tells a loop which
//! one it is, and is 0 elsewhere.

use std::rc::Rc;
use std::time::Duration;

use loopy::cores;
use loopy_tests::within;

#[test]
fn outputs_come_back_in_index_order_from_named_threads() {
    let outputs = within(Duration::from_secs(20), || {
        cores::run(4, |index| async move {
            // Loops finish in the reverse order of their indexes.
            loopy::sleep(Duration::from_millis(5 * (4 - index) as u64)).await;
            let thread = std::thread::current().name().map(str::to_owned);
            (index, cores::index(), thread)
        })
    });
    let expected: Vec<_> = (0..4)
        .map(|i| (i, i, Some(format!("loopy-core-{i}"))))
        .collect();
    assert_eq!(outputs, expected);
}

#[test]
fn a_loops_future_need_not_be_send() {
    let sums = within(Duration::from_secs(20), || {
        cores::run(2, |index| async move {
            // An `Rc` held across an `.await`, shared with a task.
            let shared = Rc::new(index * 10);
            let task = loopy::spawn({
                let shared = Rc::clone(&shared);
                async move { *shared + 1 }
            });
            loopy::yield_now().await;
            *shared + task.await.unwrap()
        })
    });
    assert_eq!(sums, [1, 21]);
}

#[test]
fn index_is_zero_outside_run() {
    assert_eq!(cores::index(), 0);
    assert_eq!(loopy::block_on(async { cores::index() }), 0);
}

#[test]
fn task_lists_show_each_loops_future_as_made_where_run_was_called() {
    let line = line!() + 2;
    let locations = within(Duration::from_secs(20), move || {
        cores::run(2, |_| async {
            let main = loopy::task::list()
                .into_iter()
                .find(|task| task.is_block_on())
                .unwrap();
            (main.location().file().to_owned(), main.location().line())
        })
    });
    let here = (file!().to_owned(), line);
    assert_eq!(locations, [here.clone(), here]);
}
