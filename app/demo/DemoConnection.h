#pragma once

#include "DemoScenario.h"
#include "LegacyTlsResponder.h"

#include <functional>
#include <QByteArray>
#include <QLoggingCategory>
#include <QObject>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcDemo)

/**
 * One client connection of the demo server, independent of the mail protocol: line framing with
 * a length limit, an idle timeout, the delayed greeting, implicit TLS, and the server side of a
 * STARTTLS upgrade (RFC 3207 s.4: plaintext received before the handshake is discarded unless a
 * scenario deliberately keeps it). A subclass per protocol (DemoSmtpConnection, DemoImapConnection,
 * DemoPop3Connection) implements the conversation through the protected hooks.
 *
 * The connection owns its socket and emits finished() once, when the socket is gone; the server
 * then deletes it. Everything runs on the event loop of the server's thread.
 */
class DemoConnection : public QObject
{
    Q_OBJECT

public:
    /// Longest line (without CRLF) a client may send.
    static constexpr qsizetype MaxLineLength = 4096;
    /// The demo credentials every protocol accepts (except in the auth-fails scenario).
    static constexpr const char* DemoUser = "demo";
    static constexpr const char* DemoPassword = "demo";

    struct Settings
    {
        DemoScenario scenario = DemoScenario::Good;
        /// Implicit TLS (SMTPS, IMAPS, POP3S): the handshake comes before the greeting.
        bool implicitTls = false;
        /// Certificate chain and key for this connection's scenario.
        QSslConfiguration tls;
        int idleTimeoutMs = 60000;
        /// How long the slow-banner scenario holds the greeting back.
        int slowBannerDelayMs = 3000;
        /// How long the tarpit scenario waits before each reply, the greeting included.
        int tarpitDelayMs = 3000;
        /// legacy-tls: what the scripted server answers to a hello that does not offer TLS 1.3.
        LegacyTlsConfig legacyTls;
        /// A server-wide counter (queue ids, ...).
        std::function<quint64()> nextSerial;
    };

    /// Takes ownership of `socket` (connected, still in plaintext).
    DemoConnection(QSslSocket* socket, Settings settings, QObject* parent = nullptr);
    ~DemoConnection() override;
    Q_DISABLE_COPY_MOVE(DemoConnection)

    /// Starts the conversation: the greeting, or the handshake first on an implicit-TLS port.
    void start();
    /// Closes at once (server shutdown); finished() follows.
    void abort();
    bool isFinished() const { return m_state == State::Finished; }

Q_SIGNALS:
    /// The connection is closed; emitted once.
    void finished();

protected:
    /// A SASL PLAIN response (RFC 4616), base64-decoded and split.
    struct PlainCredentials
    {
        enum class Status
        {
            Ok,
            NotBase64,
            Malformed
        };
        Status status = Status::Malformed;
        QByteArray user;
        QByteArray password;
    };

    /// What happens to plaintext that arrived together with the STARTTLS command.
    enum class BufferedPlaintext
    {
        Discard, ///< RFC 3207 s.4
        Keep, ///< the CVE-2011-0411 bug: run it as if it had come over TLS
    };

    /// Sends the greeting (banner).
    virtual void greet() = 0;
    /// One complete line from the client, without its line ending.
    virtual void handleLine(const QByteArray& line) = 0;
    /// The client sent a line longer than MaxLineLength (the rest of it is skipped).
    virtual void handleLineTooLong() = 0;
    /// The client was idle too long; the connection closes after this returns.
    virtual void handleIdleTimeout() = 0;
    /// A STARTTLS handshake completed: forget everything learned in plaintext (RFC 3207 s.4).
    virtual void resetAfterTls() = 0;

    /// Decodes `base64` as "[authzid] NUL authcid NUL passwd"; an authzid must equal the authcid.
    static PlainCredentials decodePlain(const QByteArray& base64);
    /// True for demo/demo, unless the scenario refuses every login.
    bool acceptsCredentials(const QByteArray& user, const QByteArray& password) const;

    const Settings& settings() const { return m_settings; }
    DemoScenario scenario() const { return m_settings.scenario; }
    bool isEncrypted() const;
    /// Writes `bytes` as they are (one write: what an injection scenario needs).
    void send(const QByteArray& bytes);
    /// Starts the server side of the handshake after the go-ahead has been sent.
    void upgradeToTls(BufferedPlaintext buffered);
    /// Closes the connection as soon as the client's first TLS bytes arrive.
    void dropAtHandshake();
    /// Sends the positive STARTTLS/STLS reply and upgrades as the scenario says: response
    /// injection adds `injected` in the same write (what a man in the middle would do, so it sits
    /// in the client's buffer when the go-ahead is read: RFC 3207 s.4, RFC 2595 s.3.1); command
    /// injection keeps the buffered plaintext as commands; drops-in-handshake hangs up.
    void playStartTlsGoAhead(const QByteArray& goAhead, const QByteArray& injected);
    /// Closes after the replies written so far have been sent.
    void closeAfterReply();

private:
    enum class State
    {
        Idle, ///< not started
        Greeting, ///< greeting not sent yet; client input is buffered
        Commands,
        Handshaking,
        /// legacy-tls: waiting for the whole ClientHello (peeked, not read) to choose who answers.
        AwaitingHello,
        /// legacy-tls: the scripted first flight is out; nobody can finish this handshake.
        ScriptedHello,
        DropOnData,
        Closing,
        Finished,
    };

    void awaitHello();
    void onHelloBytes();
    void beginGreeting();
    void onGreetingDue();
    void processBuffer();
    void onReadyRead();
    void onEncrypted();
    void onDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void onIdleTimeout();
    void finish();

    QSslSocket* const m_socket;
    const Settings m_settings;
    State m_state = State::Idle;
    QByteArray m_buffer;
    QTimer m_idleTimer;
    QTimer m_greetingTimer;
    /// Tarpit: the next command line is answered when this fires.
    QTimer m_tarpitTimer;
    bool m_tarpitDue = false;
    bool m_skippingLongLine = false;
    bool m_greeted = false;
};
