#pragma once

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
 * (`STARTTLS\r\nNOOP\r\n`; IMAP `INJ1 NOOP`), completes the handshake and says QUIT. A correct
 * server discards what it buffered in plaintext when TLS starts (RFC 3207 s.4, RFC 9051 s.6.2.1,
 * RFC 2595 s.4); a vulnerable one answers the NOOP inside TLS, so an attacker on the path could
 * have injected any command into the encrypted session. NOOP changes nothing on the server.
 *
 *   connect -> banner -> capabilities -> "STARTTLS+NOOP" (one write) -> go-ahead
 *     -> handshake -> QUIT -> read until the QUIT reply or the close
 *   vulnerable: SMTP any reply before the 221; IMAP a line tagged INJ1; POP3 two status lines
 */
class CommandInjectionProbe final : public QObject
{
    Q_OBJECT

public:
    enum class Verdict
    {
        Vulnerable,
        NotVulnerable,
        NotApplicable,
        Error
    };

    /// `transport` may be null: a real SslLineTransport is used then.
    explicit CommandInjectionProbe(ProbeOptions options, std::unique_ptr<LineTransport> transport = {},
                                   QObject* parent = nullptr);
    ~CommandInjectionProbe() override;
    Q_DISABLE_COPY_MOVE(CommandInjectionProbe)

    /// The harmless command injected behind STARTTLS, with its CRLF.
    static QByteArray injectedCommand(Protocol protocol);
    /// Stable string form: "vulnerable", "not-vulnerable", "not-applicable", "error".
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
        Banner,
        Capabilities,
        StartTls,
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
    void handleReply(const Reply& reply);
    void send(const QByteArray& bytes, Dialect::Expect expect);
    void judgeAfterTls(bool closed);
    bool isQuitReply(const QByteArray& line) const;
    void conclude(Verdict verdict, const QString& detail);

    ProbeOptions m_options;
    std::unique_ptr<LineTransport> m_transport;
    std::unique_ptr<Dialect> m_dialect;
    QTimer m_timer;
    Stage m_stage = Stage::Idle;
    int m_lookupId = -1;
    QByteArray m_quitTag;
    QList<QByteArray> m_afterTls;
    QStringList m_transcript;
    Verdict m_verdict = Verdict::Error;
    QString m_detail;
    bool m_finished = false;
};
