#pragma once

#include "run/Run.h"

#include <memory>
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>
#include <QString>
#include <QStringList>
#include <QTimer>

class QSslSocket;
class QTcpServer;

/**
 * A scripted mail server on 127.0.0.1 (port 0) for integration tests: it accepts ONE client per
 * loaded script on a real QSslSocket (server mode) and plays the script against it, so the real
 * engine and the real SslLineTransport are exercised end to end, TLS included.
 *
 * The server runs on the test's event loop (no threads). It never asserts: every mismatch, unmet
 * expectation or unexpected byte is collected in errors(), and the test asserts in its own code.
 *
 * Script format (STYLE.md, "Tests, two tiers"), one directive a line; blank lines and lines
 * starting with `#` are ignored:
 *
 *   S: text    send `text` + CRLF (one write)
 *   R: text    raw injection: `text` + CRLF appended to the SAME write as the preceding `S:`
 *              (several `R:` lines may follow one `S:`); without a preceding `S:`, its own write
 *   C: text    expect exactly this client line (compared without its CRLF)
 *   C~ regex   expect a client line matching the regex (QRegularExpression, unanchored:
 *              write ^...$ for a full match)
 *   C: SKIP    accept any one client line
 *   C*         consume a DATA body: client lines up to and including a lone `.`
 *   T          start server-side TLS (the configured chain and key) and wait until encrypted;
 *              a client line that arrived in plaintext before it is an error (command injection)
 *   W: ms      wait `ms` milliseconds (the server being slow; not a test synchronisation)
 *   X          close the connection (pending output is flushed first)
 *
 * Extensions (not in STYLE.md):
 *
 *   F: text    send `text` + CRLF in fragments: one byte per write, the socket flushed and a
 *              short timer (FragmentIntervalMs) between bytes, so the client really receives
 *              the line in pieces, including a CR and its LF in different reads
 *   P: text    partial: send `text` exactly, WITHOUT a CRLF (a line that never ends, a
 *              reply split in the middle)
 *   T?         as T, but the client may hang up during the handshake without that being an
 *              error: a client that rejects the certificate aborts at once, and its last
 *              handshake message may never reach the server (end a strict-trust script with it)
 *   D          drain: wait until the client sends anything at all and discard it unread
 *              (e.g. a TLS ClientHello the script will not answer; `D` then `X` closes in the
 *              middle of the handshake)
 *   I: text    a Mailscope note from an exported transcript; ignored like a comment
 *   E: text    as S:, with escapes decoded: \r \n \t \\ \xNN (one raw byte) \uXXXX (UTF-8), for
 *              hostile bytes (ESC, bare CR, NUL, C1, bidi overrides, invalid UTF-8)
 *   N: n text  a flood: `text` (escapes as in E:) + CRLF, n times, sent like R: (in the same
 *              write as a preceding S:/E:, else in its own)
 *   Y: text    flood: send `text` + CRLF over and over (like yes(1)) until the client closes the
 *              connection, which ends the directive (not an error). Writes are paced by the
 *              socket's pending bytes, so the server's own memory stays small however slowly the
 *              client reads. Client lines that arrive meanwhile are recorded and not checked.
 *
 * Replaying transcripts: a transcript exported as `C: ...` / `S: ...` lines is a script; T
 * marks where TLS starts. scriptFromTranscript() turns a Run's transcript into such a script
 * (inserting `T` where the server's lines become encrypted and turning discarded lines into
 * `R:` injections).
 *
 * The client's lines must end in CRLF (RFC 5321 s.2.3.8); a bare LF is reported as an error.
 * After the last directive the connection stays open until the client closes it; anything the
 * client sends then is an error. `finished()` is emitted once, when the conversation is over:
 * after `X`, after the client disconnected, or after a mismatch (the server then closes, so a
 * diverged conversation fails fast instead of running into timeouts). Whatever the client sends
 * after `X` reaches nobody and is not recorded, as with a real server that hung up.
 *
 * Limitation: nothing may separate a `S: 220 ...` go-ahead from its `T` except `R:` lines: a
 * ClientHello read as plaintext cannot be handed back to the TLS layer.
 */
class FakeMailServer final : public QObject
{
    Q_OBJECT

public:
    /// Pause between two fragments of an `F:` line.
    static constexpr int FragmentIntervalMs = 2;
    /// A `Y:` flood tops up the socket while fewer than this many bytes wait to be sent.
    static constexpr qint64 FloodHighWater = 256 * 1024;

    struct Directive
    {
        enum class Kind
        {
            Send,
            Raw,
            Fragmented,
            Partial,
            Expect,
            ExpectRegex,
            ExpectAny,
            ConsumeData,
            StartTls,
            Drain,
            Wait,
            Close,
            Flood
        };
        Kind kind = Kind::Send;
        QByteArray text;
        QRegularExpression regex;
        int ms = 0;
        /// `T?`: the client hanging up during this handshake is not an error.
        bool clientMayClose = false;
        int lineNumber = 0; ///< in the script, 1-based
        QString source; ///< the script line, for messages
    };

    explicit FakeMailServer(QObject* parent = nullptr);
    ~FakeMailServer() override;
    Q_DISABLE_COPY_MOVE(FakeMailServer)

    // ---- the script ----
    /// Parses a script and resets the run state, ready for one new client. Parse problems go to
    /// errors() (with line numbers); returns false when there was any.
    bool loadScript(const QString& script);
    /// Loads tests/data/scenarios/NAME.txt ($MAILSCOPE_TEST_DATA/scenarios/NAME.txt).
    bool loadScenario(const QString& name);
    /// Where loadScenario() looks for NAME.
    static QString scenarioPath(const QString& name);
    /// A replayable script from a run's transcript (C:/S: lines, T where TLS starts, R: for
    /// discarded lines, `#` comments for notes).
    static QString scriptFromTranscript(const QList<TranscriptEntry>& transcript);
    QList<Directive> directives() const { return m_script; }

    // ---- the TLS identity (for T) ----
    /// Leaf first, then intermediates.
    void setLocalCertificateChain(const QList<QSslCertificate>& chain) { m_chain = chain; }
    void setPrivateKey(const QSslKey& key) { m_key = key; }
    QList<QSslCertificate> localCertificateChain() const { return m_chain; }

    // ---- listening ----
    /// Listens on 127.0.0.1, a free port. False (and an error) when that fails.
    bool listen();
    quint16 port() const;
    static QHostAddress address() { return QHostAddress(QHostAddress::LocalHost); }

    // ---- what happened ----
    /// Every problem: parse errors, mismatches, unmet expectations, unexpected bytes.
    QStringList errors() const { return m_errors; }
    /// All directives were played.
    bool isComplete() const;
    /// The conversation is over (see finished()).
    bool isFinished() const { return m_finished; }
    bool hasClient() const { return m_accepted; }
    /// Index of the next directive to play.
    int position() const { return int(m_position); }
    /// Every complete line the client sent, in order, without line endings.
    QList<QByteArray> receivedLines() const { return m_received; }
    /// Bytes the client sent after the server-side handshake completed (application data).
    qint64 bytesReceivedAfterTls() const { return m_bytesAfterTls; }
    /// Lines the client sent after TLS, in order.
    QList<QByteArray> linesReceivedAfterTls() const { return m_receivedAfterTls; }
    /// The server-side handshake completed.
    bool tlsEstablished() const { return m_tlsActive; }
    /// Bytes a `Y:` flood handed to the socket.
    qint64 floodedBytes() const { return m_floodedBytes; }
    /// The DATA bodies consumed by `C*`, without the final dot.
    QList<QByteArray> dataBodies() const { return m_dataBodies; }
    /// errors() as one text, a problem a line; handy in QVERIFY2 messages.
    /// Closes the connection now, as `X` would: for a test that must choose the moment (e.g.
    /// while the engine is paused in step mode), which a script line cannot.
    void hangUp() { closeConnection(); }
    QString errorSummary() const { return m_errors.join(QLatin1Char('\n')); }

Q_SIGNALS:
    void clientConnected();
    void tlsStarted();
    /// Once, when the conversation is over.
    void finished();

private:
    void onNewConnection();
    void onReadyRead();
    void onEncrypted();
    void onDisconnected();
    void onWaitTimeout();
    void onFragmentTimer();
    /// Writes more of a `Y:` flood while the socket's queue is short.
    void topUpFlood();

    /// Plays directives until one has to wait (for a client line, a timer, the handshake).
    void play();
    bool parseLine(const QString& line, int number);
    bool takeLine(QByteArray* line);
    void addError(const QString& text);
    void addError(const Directive& d, const QString& text);
    void reportLeftoverInput(const QString& when);
    void closeConnection();
    void finish();

    QTcpServer* m_listener = nullptr; // owned through QObject parenting
    QPointer<QSslSocket> m_socket;
    QList<QSslCertificate> m_chain;
    QSslKey m_key;

    QList<Directive> m_script;
    qsizetype m_position = 0;
    QStringList m_errors;
    QByteArray m_input; ///< received, not yet consumed by the script
    QList<QByteArray> m_received;
    QList<QByteArray> m_receivedAfterTls;
    QList<QByteArray> m_dataBodies;
    QByteArray m_currentData;
    bool m_inData = false;
    QByteArray m_fragments; ///< the rest of an F: line still to send
    QByteArray m_floodChunk; ///< a `Y:` line repeated, written as one block; empty: no flood
    qint64 m_floodedBytes = 0;
    QTimer m_waitTimer;
    QTimer m_fragmentTimer;
    qint64 m_bytesAfterTls = 0;
    bool m_accepted = false;
    bool m_waiting = false; ///< in W:, F: or T
    bool m_tlsActive = false;
    bool m_closing = false;
    bool m_finished = false;
};
