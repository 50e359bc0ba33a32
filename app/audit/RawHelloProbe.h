#pragma once

#include "net/LineTransport.h"
#include "session/ProbeOptions.h"
#include "tls/ServerHelloParser.h"

#include <memory>
#include <QElapsedTimer>
#include <QHostInfo>
#include <QObject>
#include <QTimer>

class PlaintextPreamble;

/// What one raw ClientHello probe saw.
struct RawProbeResult
{
    enum class Kind
    {
        ServerHello, ///< the server chose (answer.hello); whether that is the version asked is the caller's
                     ///< call
        Alert, ///< the server refused with a TLS alert (or an SSL 2.0 ERROR)
        Failed, ///< no TLS answer: detail says why
    };
    Kind kind = Kind::Failed;
    ServerAnswer answer;
    /// Failed because the conversation before TLS cannot work on any connection.
    bool preambleFailed = false;
    /// Failed because the server hung up after the ClientHello, without an answer.
    bool closedInHandshake = false;
    /// Failed the way a server at its connection limit fails: refused, reset or closed before
    /// the answer, 421/4xx, no banner... (the pool lowers its concurrency for these).
    bool limited = false;
    QString detail;
    qint64 durationMs = 0;
};

/**
 * One connection that sends the audit's own ClientHello (ClientHello::record() or ::sslV2())
 * and reads the server's first answer with ServerHelloParser, without completing a handshake.
 *
 *   resolve -> connect -> [STARTTLS preamble: PlaintextPreamble] -> raw mode, write the hello
 *     -> read until ServerAnswer decides (ServerHello; with Depth::KeyExchange until the
 *        ServerHelloDone), an alert, a malformed answer, the close, the timeout -> abort
 *
 * The connection is a real QSslSocket used unencrypted (SslLineTransport), or any LineTransport
 * (tests). Reading is bounded by ServerHelloParser::MaxBytes and stepTimeoutMs per stage; the
 * connection is cut the moment the answer is in (no QUIT: nothing was agreed).
 */
class RawHelloProbe final : public QObject
{
    Q_OBJECT

public:
    RawHelloProbe(ProbeOptions options, QByteArray hello, ServerHelloParser::Depth depth,
                  std::unique_ptr<LineTransport> transport = {}, QObject* parent = nullptr);
    ~RawHelloProbe() override;
    Q_DISABLE_COPY_MOVE(RawHelloProbe)

    void start();
    /// Stops at once; finished() is not emitted.
    void cancel();
    bool isFinished() const { return m_finished; }
    const RawProbeResult& result() const { return m_result; }
    const ProbeOptions& options() const { return m_options; }

Q_SIGNALS:
    /// Queued: the receiver may delete the probe.
    void finished();

private:
    enum class Stage
    {
        Idle,
        Resolving,
        Connecting,
        Preamble,
        Hello,
        Done
    };

    void onLookedUp(const QHostInfo& info);
    void connectNext();
    void onConnected();
    void onLines();
    void onBytes();
    void onError(LineTransport::Error error, const QString& message);
    void onDisconnected();
    void onTimeout();
    void sendHello();
    void closedEarly(const QString& why);
    void conclude(RawProbeResult::Kind kind, const QString& detail);

    ProbeOptions m_options;
    QByteArray m_hello;
    ServerHelloParser::Depth m_depth;
    std::unique_ptr<LineTransport> m_transport;
    std::unique_ptr<PlaintextPreamble> m_preamble;
    QTimer m_timer;
    QElapsedTimer m_clock;
    QByteArray m_received;
    ServerAnswer m_answer;
    RawProbeResult m_result;
    Stage m_stage = Stage::Idle;
    QList<QHostAddress> m_addresses;
    int m_addressIndex = -1;
    int m_lookupId = -1;
    bool m_finished = false;
};
