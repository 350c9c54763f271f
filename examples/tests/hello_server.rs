//! The hello server, driven by real TCP clients: an answer for every line
//! to many clients at once, replies sent whole, idle clients sent away, a
//! reset that costs only its own connection, and a clean Ctrl-C.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use support::{connect, free_port, read_to_end, Example};

const HELLO: &str = "Hello World!\n";

/// Starts the server on a free port with `args` and waits until it listens.
fn start_server(args: &[&str]) -> (Example, u16) {
    let port = free_port();
    let port_arg = port.to_string();
    let mut all_args = vec!["--port", port_arg.as_str()];
    all_args.extend_from_slice(args);
    let mut server = Example::start("hello_server", &all_args);
    server.expect(&format!("Listening on 127.0.0.1:{port}"));
    (server, port)
}

/// Reads exactly `count` answers from `client`.
fn read_answers(client: &mut TcpStream, count: usize) -> String {
    let mut answers = vec![0; HELLO.len() * count];
    client
        .read_exact(&mut answers)
        .expect("the server answers within the read timeout");
    String::from_utf8(answers).expect("the answers are text")
}

#[test]
fn every_line_of_many_clients_gets_an_answer() {
    let (mut server, port) = start_server(&[]);
    let mut clients: Vec<TcpStream> = (0..5).map(|_| connect(port)).collect();
    server.wait_for("(5 connected)");

    // Lines split across writes, and several in one write, from all the
    // clients in turn: three lines each.
    for client in &mut clients {
        client.write_all(b"first li").unwrap();
    }
    for client in &mut clients {
        client.write_all(b"ne\nsecond\nthi").unwrap();
    }
    for client in &mut clients {
        client.write_all(b"rd\n").unwrap();
    }
    for client in &mut clients {
        assert_eq!(read_answers(client, 3), HELLO.repeat(3));
    }

    // A last line without its '\n' counts too, when the client closes its side.
    let mut last = clients.pop().unwrap();
    last.write_all(b"no newline").unwrap();
    last.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(read_to_end(&mut last), HELLO);
}

#[test]
fn a_big_reply_goes_out_whole() {
    let (_server, port) = start_server(&[]);
    let mut client = connect(port);
    const LINES: usize = 50_000;
    // Write from another thread: the server answers while the client is
    // still sending, and its replies must wait for the client to read.
    let mut writer = client.try_clone().unwrap();
    let sending = thread::spawn(move || writer.write_all("x\n".repeat(LINES).as_bytes()));
    assert_eq!(read_answers(&mut client, LINES), HELLO.repeat(LINES));
    sending.join().unwrap().unwrap();
}

#[test]
fn an_idle_client_is_sent_away_and_a_busy_one_is_not() {
    let (mut server, port) = start_server(&["--idle-timeout", "2"]);
    let mut idle = connect(port);
    let mut busy = connect(port);
    // The busy client speaks every 300 ms for longer than the timeout.
    for _ in 0..10 {
        busy.write_all(b"still here\n").unwrap();
        assert_eq!(read_answers(&mut busy, 1), HELLO);
        thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(
        read_to_end(&mut idle),
        "You have been idle for 2 s. Goodbye!\n"
    );
    server.wait_for("was idle for 2 s, disconnected");
    // Still served: a goodbye here would not read as an answer.
    busy.write_all(b"and now?\n").unwrap();
    assert_eq!(read_answers(&mut busy, 1), HELLO);
}

#[test]
fn a_reset_costs_only_its_own_connection() {
    let (mut server, port) = start_server(&[]);
    let mut bystander = connect(port);
    let resetting = connect(port);
    let resetting_addr = resetting.local_addr().unwrap();
    server.wait_for("(2 connected)");

    (&resetting).write_all(b"half a li").unwrap();
    // Closing with a zero linger time sends a reset instead of a FIN.
    rustix::net::sockopt::set_socket_linger(&resetting, Some(Duration::ZERO)).unwrap();
    drop(resetting);
    server.wait_for(&format!("{resetting_addr} dropped:"));

    bystander.write_all(b"are you there?\n").unwrap();
    assert_eq!(read_answers(&mut bystander, 1), HELLO);
    let mut newcomer = connect(port);
    newcomer.write_all(b"hello?\n").unwrap();
    assert_eq!(read_answers(&mut newcomer, 1), HELLO);
}

#[test]
fn ctrl_c_says_goodbye_to_every_client_and_exits_0() {
    let (mut server, port) = start_server(&[]);
    let mut clients: Vec<TcpStream> = (0..3).map(|_| connect(port)).collect();
    server.wait_for("(3 connected)");
    // One client is in the middle of a line.
    clients[0].write_all(b"half a line").unwrap();
    clients[1].write_all(b"a line\n").unwrap();
    assert_eq!(read_answers(&mut clients[1], 1), HELLO);

    server.interrupt();
    for client in &mut clients {
        assert_eq!(
            read_to_end(client),
            "The server is shutting down. Goodbye!\n"
        );
    }
    server.expect("Ctrl-C: no longer accepting; closing 3 client(s)");
    server.expect("Stopped");
    assert!(server.exit_status().success());
}
