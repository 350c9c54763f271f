//! Unix socket failures are `io::Error`s of the OS's kind whose message
//! names the path or abstract name, with the OS error kept as the source.

use std::io::{self, ErrorKind};
use std::os::unix::net::SocketAddr;

use loopy::net::{UnixDatagram, UnixListener, UnixStream};
use loopy_tests::SocketDir;

/// The error of a call that must fail; the sockets need not be `Debug`.
fn failure<T>(result: io::Result<T>, why: &str) -> io::Error {
    match result {
        Ok(_) => panic!("succeeded, but must fail: {why}"),
        Err(error) => error,
    }
}

/// Checks the kind, that the message names `name`, and that the OS's
/// error is kept underneath.
fn assert_names(error: &io::Error, kind: ErrorKind, name: &str) {
    assert_eq!(error.kind(), kind, "{error}");
    assert!(
        error.to_string().contains(name),
        "the message must name {name}: {error}"
    );
    let os_error = error
        .get_ref()
        .and_then(|inner| inner.source())
        .and_then(|source| source.downcast_ref::<io::Error>())
        .expect("the OS error must be the source");
    assert_eq!(os_error.kind(), kind);
}

#[loopy::test]
async fn binding_a_path_in_use_is_addr_in_use_naming_the_path() {
    let dir = SocketDir::new();
    let path = dir.path("taken.sock");
    let _listener = UnixListener::bind(&path).unwrap();
    let error = failure(UnixListener::bind(&path), "a listener is there");
    assert_names(&error, ErrorKind::AddrInUse, "taken.sock");
    let error = failure(UnixDatagram::bind(&path), "a listener is there");
    assert_names(&error, ErrorKind::AddrInUse, "taken.sock");
}

#[loopy::test]
async fn a_stale_socket_file_is_still_in_use() {
    let dir = SocketDir::new();
    let path = dir.path("stale.sock");
    drop(UnixListener::bind(&path).unwrap());
    assert!(
        path.exists(),
        "the socket file outlives its listener, as in std"
    );
    let error = failure(UnixListener::bind(&path), "the file is there");
    assert_names(&error, ErrorKind::AddrInUse, "stale.sock");
    std::fs::remove_file(&path).unwrap();
    UnixListener::bind(&path).unwrap();
}

#[cfg(target_os = "linux")]
#[loopy::test]
async fn binding_an_abstract_name_in_use_names_it() {
    use std::os::linux::net::SocketAddrExt;

    let name = format!("loopy-test-taken-{}", std::process::id());
    let addr = SocketAddr::from_abstract_name(&name).unwrap();
    let _listener = UnixListener::bind_addr(&addr).unwrap();
    let error = failure(UnixListener::bind_addr(&addr), "the name is taken");
    assert_names(&error, ErrorKind::AddrInUse, &format!("@{name}"));
    let _socket = UnixDatagram::bind_addr(&addr).unwrap();
    let error = failure(UnixDatagram::bind_addr(&addr), "the name is taken");
    assert_names(&error, ErrorKind::AddrInUse, &format!("@{name}"));
}

#[loopy::test]
async fn connecting_to_a_missing_path_is_not_found_naming_the_path() {
    let dir = SocketDir::new();
    let path = dir.path("nobody.sock");
    let error = failure(UnixStream::connect(&path).await, "nothing is there");
    assert_names(&error, ErrorKind::NotFound, "nobody.sock");

    let socket = UnixDatagram::unbound().unwrap();
    let error = failure(socket.connect(&path), "nothing is there");
    assert_names(&error, ErrorKind::NotFound, "nobody.sock");
    let error = failure(socket.send_to(b"x", &path).await, "nothing is there");
    assert_names(&error, ErrorKind::NotFound, "nobody.sock");
}

#[loopy::test]
async fn connecting_to_a_file_nobody_listens_on_is_refused() {
    let dir = SocketDir::new();
    let path = dir.path("dead.sock");
    drop(UnixListener::bind(&path).unwrap());
    let error = failure(UnixStream::connect(&path).await, "nobody listens");
    assert_names(&error, ErrorKind::ConnectionRefused, "dead.sock");
}

#[loopy::test]
async fn a_path_too_long_for_a_socket_is_invalid_input() {
    let long = format!("/tmp/{}.sock", "x".repeat(200));
    let error = failure(UnixListener::bind(&long), "the path is too long");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("xxxx.sock"), "{error}");
    let error = failure(UnixStream::connect(&long).await, "the path is too long");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("xxxx.sock"), "{error}");
}

#[loopy::test]
async fn connecting_to_an_unnamed_address_is_invalid_input() {
    let (a, _b) = UnixStream::pair().unwrap();
    let unnamed = a.local_addr().unwrap();
    let error = failure(UnixStream::connect_addr(&unnamed).await, "unnamed");
    assert_eq!(error.kind(), ErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("unnamed"), "{error}");
}
