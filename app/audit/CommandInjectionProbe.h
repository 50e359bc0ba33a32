#pragma once

#include "InjectionReplyJudge.h"
#include "net/LineTransport.h"
#include "protocol/Dialect.h"
#include "session/ProbeOptions.h"

#include <memory>
#include <QHostAddress>
#include <QHostInfo>
#include <QObject>
#include <QStringList>
#include <QTimer>

/**
 * The server-side STARTTLS command-injection probe (CVE-2011-0411 class; Poddebniak et al.,
 * "Why TLS is better without STARTTLS", USENIX Security 2021).
 *
 * A separate connection sends the STARTTLS command and a harmless second command in ONE write
 * (`STARTTLS\r\nNOOP\r\n`; IMAP `INJxxxxxxxx NOOP` with a tag unique to this probe), completes
 * the handshake and says QUIT. A correct server discards what it buffered in plaintext when TLS
 * starts (RFC 3207 s.4, RFC 9051 s.6.2.1, RFC 2595 s.4); a vulnerable one answers the NOOP inside
 * TLS, so an attacker on the path could have injected any command into the encrypted session.
 * NOOP changes nothing on the server.
 *
 *   connect -> banner -> capabilities -> "STARTTLS+NOOP" (one write) -> go-ahead
 *     -> handshake -> QUIT -> read until the verdict, the close, the timeout or a bound
 *
 * Only a reply that is provably the injected command's counts (InjectionReplyJudge: replies are
 * counted against the commands sent, IMAP matched by tag); a second greeting, a flood or any
 * unsolicited line never makes a server "vulnerable". Reading is bounded in lines, bytes and time:
 * a flood ends the probe as "inconclusive" with the reason, and the connection is cut at once.
 */
class PlaintextPreamble;

class CommandInjectionProbe final : public QObject
{
    Q_OBJECT

public:
    enum class Verdict
    {
        Vulnerable,
        NotVulnerable,
        NotApplicable,
        /// The probe ran, but what the server sent inside TLS cannot be attributed (a flood, more
        /// replies than commands, lines of another protocol).
        Inconclusive,
        Error
    };

    /// Longest server line kept in the probe's transcript.
    static constexpr qsizetype MaxTranscriptLine = 300;

    /// `transport` may be null: a real SslLineTransport is used then.
    explicit CommandInjectionProbe(ProbeOptions options, std::unique_ptr<LineTransport> transport = {},
                                   QObject* parent = nullptr);
    ~CommandInjectionProbe() override;
    Q_DISABLE_COPY_MOVE(CommandInjectionProbe)

    /// The harmless command injected behind STARTTLS, with its CRLF; `imapTag` tags it for IMAP.
    static QByteArray injectedCommand(Protocol protocol, const QByteArray& imapTag);
    /// This probe's injected command (its IMAP tag is unique to the probe).
    QByteArray injectedCommand() const { return injectedCommand(m_options.protocol, m_injectedTag); }
    /// Stable string form: "vulnerable", "not-vulnerable", "not-applicable", "inconclusive", "error".
    static QString toKey(Verdict verdict);

    void start();
    void cancel();
    bool isFinished() const { return m_finished; }
    Verdict verdict() const { return m_verdict; }
    /// The evidence: the reply to the injected command, or why the probe could not decide.
    QString detail() const { return m_detail; }
    /// What was sent and received, "C: ..." / "S: ..." lines, for the report.
    QStringList transcript() const { return m_transcript; }

Q_SIGNALS:
    void finished();

private:
    enum class Stage
    {
        Idle,
        Resolving,
        Connecting,
        Preamble, ///< banner, capabilities, STARTTLS + injected command (PlaintextPreamble)
        Handshake,
        AfterTls,
        Done
    };

    void onLookedUp(const QHostInfo& info);
    void onConnected();
    void onLinesAvailable();
    void onEncrypted();
    void onError(LineTransport::Error error, const QString& message);
    void onDisconnected();
    void onTimeout();
    void goAhead();
    void preambleFailed();
    void readAfterTls();
    /// The handshake after the go-ahead failed: the injected command cannot have run inside TLS.
    void handshakeRefused(const QString& why);
    /// Ends the probe with the judge's verdict; `closed`: the server hung up.
    void concludeFromJudge(bool closed);
    void conclude(Verdict verdict, const QString& detail);
    void recordServer(const QByteArray& bytes, const QString& prefix = QStringLiteral("S: "));

    ProbeOptions m_options;
    std::unique_ptr<LineTransport> m_transport;
    std::unique_ptr<PlaintextPreamble> m_preamble;
    Dialect* m_dialect = nullptr; ///< m_preamble's
    QTimer m_timer;
    Stage m_stage = Stage::Idle;
    int m_lookupId = -1;
    QByteArray m_injectedTag; ///< IMAP only
    std::unique_ptr<InjectionReplyJudge> m_judge;
    QStringList m_transcript;
    Verdict m_verdict = Verdict::Error;
    QString m_detail;
    bool m_finished = false;
};
