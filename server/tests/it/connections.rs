//! The connection loop's limits, on the real binary: idle and slow clients are cut off, a body
//! that trickles gets 408 and an oversized one 413, in the JSON every error answer shares.

use crate::process::{shared_database, start_with, Server};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A server that gives a request head one second and a whole request one second.
fn impatient_server() -> (Server, tempfile::TempDir) {
    let (url, dir) = shared_database();
    let server = start_with(&url, &[("REQUEST_HEADER_TIMEOUT_SECONDS", "1"), ("REQUEST_TIMEOUT_SECONDS", "1")]);
    (server, dir)
}

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

/// What the server sends until it closes the connection, and how long it kept it open.
fn read_until_closed(stream: &mut TcpStream) -> (String, Duration) {
    let started = Instant::now();
    let mut answer = Vec::new();
    let closed = stream.read_to_end(&mut answer);
    assert!(closed.is_ok(), "the server kept the connection open for {:?}: {closed:?}", started.elapsed());
    (String::from_utf8_lossy(&answer).into_owned(), started.elapsed())
}

#[test]
fn idle_and_slow_connections_are_closed_after_the_header_time() {
    let (server, _dir) = impatient_server();

    let mut idle = connect(&server);
    let (_, open_for) = read_until_closed(&mut idle);
    assert!(open_for < Duration::from_secs(5), "an idle connection stayed {open_for:?}");

    // Headers sent a line at a time, never finished.
    let mut slow = connect(&server);
    slow.write_all(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let _ = slow.write_all(b"X-Slow: 1\r\n");
    let (_, open_for) = read_until_closed(&mut slow);
    assert!(open_for < Duration::from_secs(5), "a slow head stayed {open_for:?}");

    // A kept-alive connection gets its answer, then the same time to send the next request.
    let mut kept = connect(&server);
    kept.write_all(b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (answer, open_for) = read_until_closed(&mut kept);
    assert!(answer.starts_with("HTTP/1.1 200"), "{}", &answer[..answer.len().min(200)]);
    assert!(open_for < Duration::from_secs(5), "a kept-alive connection stayed {open_for:?}");

    // A new client is still served.
    let answer = crate::process::client().get(format!("{}/api/v1/openapi.json", server.base)).call().unwrap();
    assert_eq!(answer.status(), 200);
}

#[test]
fn a_body_that_trickles_is_answered_408_and_the_connection_closed() {
    let (server, _dir) = impatient_server();
    let mut stream = connect(&server);
    stream
        .write_all(
            b"POST /api/experience/0123456789abcdef01234567/auth HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/json\r\nContent-Length: 200\r\n\r\n{",
        )
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let trickle = std::thread::spawn(move || {
        for _ in 0..40 {
            std::thread::sleep(Duration::from_millis(100));
            if writer.write_all(b" ").is_err() {
                break;
            }
        }
    });
    let (answer, open_for) = read_until_closed(&mut stream);
    trickle.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""type":"RequestTimeout""#), "{answer}");
    assert!(open_for < Duration::from_secs(4), "answered after {open_for:?}");
}

#[test]
fn oversized_admin_bodies_get_413_in_the_error_json_announced_or_not() {
    let (server, _dir) = impatient_server();
    let big = "x".repeat(100 * 1024);

    let mut answer = crate::process::client()
        .post(format!("{}/api/login", server.base))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("email={big}"))
        .unwrap();
    assert_eq!(answer.status(), 413);
    let body: serde_json::Value = answer.body_mut().read_json().unwrap();
    assert_eq!(body["type"], "PayloadTooLarge", "{body}");

    // Chunked: no length announced, so it is found too long while it is read.
    let mut stream = connect(&server);
    stream
        .write_all(
            b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n\
              Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    for _ in 0..4 {
        let chunk = "y".repeat(30 * 1024);
        if stream.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let (answer, _) = read_until_closed(&mut stream);
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", &answer[..answer.len().min(300)]);
    assert!(answer.contains(r#""type":"PayloadTooLarge""#), "{answer}");
}

/// A client that sends a request and hangs up before the answer does not cut the work short:
/// a handler stopped at an arbitrary `await` can leave a pooled connection inside a
/// transaction it never ends (sqlx's `BEGIN` is not cancel-safe), which then holds the
/// database's write lock for every other request.
#[test]
fn a_request_whose_client_hangs_up_still_runs_to_its_end() {
    let (url, _dir) = shared_database();
    let server = crate::process::start_on(&url);
    let client = crate::process::client();
    let (cookie, app_id, _) = crate::process::application_with_ann(&client, &server);
    for i in 0..5 {
        let body = format!(
            "application_id={app_id}&email=gone{i}%40example.com&password=a-good-password&first_name=&last_name="
        );
        let mut stream = connect(&server);
        write!(
            stream,
            "POST /api/users/create HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        // Hung up once the request is read, while the password is hashed (~20 ms and more).
        std::thread::sleep(Duration::from_millis(8));
        stream.shutdown(std::net::Shutdown::Both).unwrap();
    }
    let started = Instant::now();
    let created = loop {
        let emails = crate::process::listed_emails(&client, &server, &cookie, &app_id);
        let created = emails.iter().filter(|email| email.starts_with("gone")).count();
        if created == 5 || started.elapsed() > Duration::from_secs(10) {
            break created;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(created, 5, "creations whose client hung up");
}
