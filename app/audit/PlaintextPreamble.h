#pragma once

#include "net/LineTransport.h"
#include "protocol/Dialect.h"

#include <functional>
#include <memory>
#include <QByteArray>
#include <QString>

/**
 * The conversation before TLS on a STARTTLS connection, for the audit's own probes: banner,
 * capabilities, STARTTLS/STLS and its go-ahead (RFC 3207 s.4, RFC 9051 s.6.2.1, RFC 2595 s.4),
 * nothing else: no login, no QUIT.
 *
 *   begin() -> Banner -> (capability command) Capabilities -> (STARTTLS + `appended`) StartTls
 *           -> Ready | Failed
 *
 * The owner feeds it from LineTransport::linesAvailable() through read() and acts on the state it
 * returns. A failure says whether trying again can help: a 421/4xx, an IMAP BYE or a POP3 -ERR
 * greeting may be a connection limit (retryable); a conversation that cannot reach STARTTLS on
 * any connection (another protocol, no STARTTLS offered, STARTTLS refused with 5xx, an
 * unreadable reply) is permanent.
 */
class PlaintextPreamble final
{
public:
    enum class State
    {
        Idle,
        Banner,
        Capabilities,
        StartTls,
        Ready, ///< the go-ahead arrived: the next bytes on the connection are TLS
        Failed,
    };
    /// Why it failed.
    enum class Failure
    {
        None,
        Refused, ///< the server refused service (greeting, or a 4xx to the capability command)
        NoStartTls, ///< STARTTLS is not offered (or cannot be used: IMAP PREAUTH)
        StartTlsRefused, ///< the STARTTLS command was refused
        Unreadable, ///< a reply that is not this protocol, or a line past the bound
    };

    /// `appended` goes out in the same write as the STARTTLS command (the injection probe's NOOP).
    PlaintextPreamble(Protocol protocol, const QByteArray& heloName, LineTransport* transport,
                      QByteArray appended = {});
    ~PlaintextPreamble();
    Q_DISABLE_COPY_MOVE(PlaintextPreamble)

    /// False when this protocol has no dialect here (nothing can be probed).
    bool isSupported() const { return m_dialect != nullptr; }
    Dialect* dialect() const { return m_dialect.get(); }

    /// Every write (as sent, CRLF included; `fromClient`) and every line received (without its end).
    void setRecorder(std::function<void(const QByteArray& line, bool fromClient)> recorder)
    {
        m_recorder = std::move(recorder);
    }

    /// The connection is open: waits for the banner.
    void begin();
    /// Consumes the complete lines received so far; returns the state afterwards. Once Ready,
    /// nothing after the go-ahead is consumed (the caller takes it as unprocessed bytes).
    State read();
    State state() const { return m_state; }
    /// Failed: why, in words (with the server's line when it said something).
    QString problem() const { return m_problem; }
    /// Failed: true when no other connection can do better (see the class comment).
    bool permanent() const { return m_permanent; }
    /// Failed on a reply the server sent (not a broken conversation): its code (SMTP), else 0.
    int replyCode() const { return m_replyCode; }
    Failure failure() const { return m_failure; }
    /// Failed on a reply: its status line as received.
    QByteArray serverLine() const { return m_serverLine; }

private:
    void send(const QByteArray& bytes, Dialect::Expect expect);
    void handle(const Reply& reply);
    void fail(Failure failure, const QString& problem, bool permanent, const Reply* reply = nullptr);

    std::unique_ptr<Dialect> m_dialect;
    LineTransport* m_transport;
    QByteArray m_appended;
    std::function<void(const QByteArray&, bool)> m_recorder;
    State m_state = State::Idle;
    QString m_problem;
    bool m_permanent = false;
    int m_replyCode = 0;
    Failure m_failure = Failure::None;
    QByteArray m_serverLine;
};
