//! Accepting connections. axum's `serve` sets no timeouts: a client that trickles its headers
//! or its body byte by byte, or opens connections and sends nothing, holds them (and their
//! memory and file descriptors) as long as it likes. Here hyper's HTTP/1 connections get a
//! time for the headers to arrive (also between requests on a kept-alive connection), and
//! every request a time to be read and answered, past which it gets 408 `{type, message}`.
//!
//! Each request is answered by a task of its own that runs to its end even when the client
//! hangs up or the time runs out: a handler dropped at an arbitrary `await` can leave a pooled
//! database connection inside a transaction nobody ends (sqlx's `BEGIN` is not cancel-safe),
//! holding SQLite's write lock for every request after it, and a service operation half done.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::Duration;

use app::error::AppError;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::time::{sleep, Sleep};
use tower::ServiceExt;

use crate::middleware::refuse;

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From the connection's start (or the end of the previous answer) to a complete request head.
    pub headers: Duration,
    /// From a complete head to the start of the answer: the body is read within it.
    pub request: Duration,
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets the requests under way
/// finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    timeouts: Timeouts,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (stop, stopping) = watch::channel(());
    let (open, _) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, most likely: the connections that end free some.
                Err(error) => {
                    tracing::warn!("cannot accept a connection: {error}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut stopping = stopping.clone();
        let open = open.subscribe();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                answer(router.clone(), peer, timeouts.request, request)
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(timeouts.headers)
                .serve_connection(TokioIo::new(stream), service);
            let mut connection = pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(open);
        });
    }
    drop(listener);
    let _ = stop.send(());
    open.closed().await;
    Ok(())
}

async fn answer(
    router: Router,
    peer: SocketAddr,
    limit: Duration,
    request: hyper::Request<Incoming>,
) -> Result<Response, Infallible> {
    // The body fails a little after the answer's own deadline: were both due at once, the
    // handler could see its body fail first and answer that (a 413 from a body cap) instead
    // of the 408 the client is owed.
    let body_deadline = limit + BODY_DEADLINE_GRACE;
    let mut request = request.map(|body| Body::new(WithDeadline { body, deadline: Box::pin(sleep(body_deadline)) }));
    request.extensions_mut().insert(ConnectInfo(peer));
    let handler = tokio::spawn(router.oneshot(request));
    match tokio::time::timeout(limit, handler).await {
        Ok(Ok(response)) => response,
        Ok(Err(panicked)) => {
            tracing::error!(%panicked, "a request handler panicked");
            Ok(refuse(AppError::Internal))
        }
        Err(_) => {
            // The handler goes on to its end; if it was still reading the body, that read
            // fails now too, which lets the connection close.
            let mut response = refuse(AppError::TimedOut(limit.as_secs()));
            // The body may be half read: the connection cannot carry another request.
            response.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
            Ok(response)
        }
    }
}

/// How long after the request's time is up its body fails (see `answer`).
const BODY_DEADLINE_GRACE: Duration = Duration::from_millis(250);

/// A request body that fails once the request's time is up, however steadily it trickles
/// (hyper's own timeouts cover the head only).
struct WithDeadline {
    body: Incoming,
    deadline: Pin<Box<Sleep>>,
}

impl http_body::Body for WithDeadline {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.body).poll_frame(cx) {
            return Poll::Ready(frame.map(|frame| frame.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err("the request took too long to arrive".into()))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
