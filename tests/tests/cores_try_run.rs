//! `cores::try_run` fails as one: a loop's error stops the others and is
//! returned.

use std::io;

use loopy_tests::within;

#[test]
fn a_loop_error_stops_the_other_loops_and_is_returned() {
    let result = within(std::time::Duration::from_secs(30), || {
        loopy::cores::try_run(3, |index| async move {
            if index == 2 {
                return Err(io::Error::other("loop 2 failed"));
            }
            // The others would wait forever; the error stops them.
            std::future::pending::<io::Result<()>>().await
        })
    });
    assert_eq!(result.unwrap_err().to_string(), "loop 2 failed");
}
