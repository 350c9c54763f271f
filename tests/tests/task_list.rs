//! `task::list()` shows every live task and `block_on`'s own future, with
//! names from `#[loopy::task]`, spawn locations at the caller's line, what
//! each task waits on, its poll count and its age; `dump_to` writes the
//! same as a table.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::time::Duration;

use loopy::io::Async;
use loopy::task::{TaskInfo, TaskState, WaitingOn};

#[loopy::task(name = "napper")]
async fn napper() {
    loopy::sleep(Duration::from_secs(60)).await;
}

#[loopy::task]
async fn reader(socket: Async<UnixStream>) {
    let mut byte = [0];
    let _ = socket.read_with(|mut s| s.read(&mut byte)).await;
}

#[loopy::task]
async fn joiner(other: loopy::JoinHandle<()>) {
    let _ = other.await;
}

/// The entry for the task with `id`.
fn find(list: &[TaskInfo], id: loopy::task::TaskId) -> &TaskInfo {
    list.iter()
        .find(|info| info.id() == id)
        .unwrap_or_else(|| panic!("task {id} is not in {list:#?}"))
}

#[loopy::test]
async fn named_tasks_show_their_call_site_and_what_they_wait_on() {
    let (_ours, theirs) = UnixStream::pair().unwrap();
    let theirs = Async::new(theirs).unwrap();
    let fd = theirs.get_ref().as_raw_fd();
    let napper_line = line!() + 1;
    let napping = napper();
    let reading = reader(theirs);
    let waiting = joiner(napper());
    let ready = loopy::spawn(std::future::pending::<()>());
    loopy::yield_now().await;
    ready.cancel();

    let list = loopy::task::list();
    let main = &list[0];
    assert!(main.is_block_on());
    assert_eq!(main.state(), &TaskState::Running);
    assert!(main.polls() >= 1);

    let nap = find(&list, napping.id());
    assert_eq!(nap.name(), Some("napper"));
    assert_eq!(nap.location().file(), file!());
    assert_eq!(nap.location().line(), napper_line);
    assert_eq!(nap.polls(), 1);
    match nap.state() {
        TaskState::Waiting {
            on: None,
            timer: Some(due),
        } => assert!(*due > Duration::from_secs(50), "{due:?}"),
        other => panic!("napper: {other:?}"),
    }
    assert!(nap
        .state()
        .to_string()
        .starts_with("waiting: timer due in "));

    let read = find(&list, reading.id());
    assert_eq!(read.name(), Some("reader"));
    assert_eq!(
        read.state(),
        &TaskState::Waiting {
            on: Some(WaitingOn::Readable(fd)),
            timer: None
        }
    );
    assert_eq!(
        read.state().to_string(),
        format!("waiting: fd {fd} readable")
    );

    let join = find(&list, waiting.id());
    let TaskState::Waiting {
        on: Some(WaitingOn::Task(awaited)),
        timer: None,
    } = join.state()
    else {
        panic!("joiner: {:?}", join.state());
    };
    assert_eq!(find(&list, *awaited).name(), Some("napper"));

    // Cancelled, so queued to run again.
    assert_eq!(find(&list, ready.id()).state(), &TaskState::Ready);
    assert!(list.iter().all(|info| info.age() < Duration::from_secs(60)));
    assert!(list.iter().all(|info| info.busy().is_none()), "not timed");
    for handle in [napping, reading, waiting] {
        handle.cancel();
    }
}

#[loopy::test]
async fn finished_tasks_leave_the_list_and_running_ones_say_so() {
    let me = loopy::spawn(async {
        let list = loopy::task::list();
        find(&list, loopy::task::id()).state().clone()
    });
    let id = me.id();
    assert_eq!(me.await.unwrap(), TaskState::Running);
    assert!(loopy::task::list().iter().all(|info| info.id() != id));
    assert_eq!(
        loopy::task::list().len(),
        1,
        "only block_on's future is left"
    );
}

#[test]
fn busy_time_is_known_when_polls_are_timed() {
    let rt = loopy::Runtime::builder().time_polls(true).build().unwrap();
    rt.block_on(async {
        let worker = loopy::spawn(async {
            std::thread::sleep(Duration::from_millis(20));
            loopy::yield_now().await;
        });
        loopy::yield_now().await;
        let list = loopy::task::list();
        let info = find(&list, worker.id());
        assert!(info.busy().unwrap() >= Duration::from_millis(20), "{info}");
        assert_eq!(info.polls(), 1);
        worker.await.unwrap();
    });
}

#[loopy::test]
async fn the_dump_is_a_table_with_a_line_per_task() {
    let line = line!() + 1;
    let _napping = napper();
    loopy::yield_now().await;
    let mut out = Vec::new();
    loopy::task::dump_to(&mut out).unwrap();
    let table = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(lines[0].starts_with("task "), "{table}");
    assert!(lines[0].ends_with("spawned at"), "{table}");
    assert!(lines[1].starts_with("block_on's future "), "{table}");
    // Spawned by block_on's future, so indented under it.
    assert!(lines[2].starts_with("  task "), "{table}");
    assert!(lines[2].contains("\"napper\""), "{table}");
    assert!(lines[2].contains("waiting: timer due in"), "{table}");
    assert!(
        lines[2].ends_with(&format!("{}:{line}:20", file!())),
        "{table}"
    );
    // Aligned: the state column starts at the same place on every line.
    let column = lines[0].find("state").unwrap();
    assert_eq!(lines[2].find("waiting"), Some(column), "{table}");
}

#[test]
#[should_panic(expected = "loopy::task::list called outside a loopy runtime")]
fn outside_a_runtime_list_says_where_to_call_it() {
    loopy::task::list();
}

/// Names a task that waits on several descriptors at once.
#[loopy::task(name = "racer")]
async fn racer(a: Async<UnixStream>, b: Async<UnixStream>) {
    let mut byte = [0];
    std::future::poll_fn(|cx| {
        for socket in [&a, &b] {
            if socket
                .poll_read_with(cx, |mut s| s.read(&mut byte))
                .is_ready()
            {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await;
}

#[loopy::test]
async fn a_task_parked_on_several_sockets_lists_them_all() {
    let (_x, a) = UnixStream::pair().unwrap();
    let (_y, b) = UnixStream::pair().unwrap();
    let (a, b) = (Async::new(a).unwrap(), Async::new(b).unwrap());
    let (fa, fb) = (a.get_ref().as_raw_fd(), b.get_ref().as_raw_fd());
    let racing = racer(a, b);
    loopy::yield_now().await;
    let list = loopy::task::list();
    let info = find(&list, racing.id());
    assert_eq!(
        info.waiting_on(),
        [WaitingOn::Readable(fa), WaitingOn::Readable(fb)]
    );
    let mut out = Vec::new();
    loopy::task::dump_to(&mut out).unwrap();
    let table = String::from_utf8(out).unwrap();
    let wanted = format!("waiting: fd {fa} readable, fd {fb} readable");
    assert!(table.contains(&wanted), "{table}");
    racing.cancel();
}

#[test]
fn a_dump_on_a_loop_of_cores_run_names_its_loop() {
    let tables = loopy::cores::run(2, |_| async {
        let mut out = Vec::new();
        loopy::task::dump_to(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    });
    assert!(tables[0].starts_with("loop 0\n"), "{}", tables[0]);
    assert!(tables[1].starts_with("loop 1\n"), "{}", tables[1]);
    let mut plain = Vec::new();
    loopy::block_on(async { loopy::task::dump_to(&mut plain).unwrap() });
    assert!(String::from_utf8(plain).unwrap().starts_with("task "));
}

#[loopy::task(name = "child")]
async fn child() {
    loopy::sleep(Duration::from_secs(60)).await;
}

#[loopy::task(name = "parent")]
async fn parent() {
    let _child = child();
    loopy::sleep(Duration::from_secs(60)).await;
}

#[loopy::test]
async fn every_task_knows_its_parent_and_the_dump_is_a_tree() {
    let _first = parent();
    let _second = napper();
    loopy::yield_now().await;
    loopy::yield_now().await;
    let list = loopy::task::list();
    let by_name = |name| list.iter().find(|t| t.name() == Some(name)).unwrap();
    assert_eq!(list[0].parent(), None);
    assert_eq!(by_name("parent").parent(), Some(list[0].id()));
    assert_eq!(by_name("child").parent(), Some(by_name("parent").id()));

    let mut out = Vec::new();
    loopy::task::dump_to(&mut out).unwrap();
    let table = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert!(rows[0].starts_with("block_on's future "), "{table}");
    assert!(rows[1].starts_with("  task 1 \"parent\" "), "{table}");
    assert!(rows[2].starts_with("    task 3 \"child\" "), "{table}");
    assert!(rows[3].starts_with("  task 2 \"napper\" "), "{table}");
    assert_eq!(rows.len(), 4, "{table}");
}
