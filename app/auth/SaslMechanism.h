#pragma once

#include <memory>
#include <optional>
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

/**
 * The client side of one SASL mechanism (RFC 4422) as a small state machine: an optional initial
 * response, then one answer per server challenge. It works on raw bytes; framing and base64 are
 * the Dialect's job, so a mechanism knows nothing about SMTP, IMAP or POP3.
 *
 * Secrets stay inside: nothing here logs, and problem() never quotes a client response.
 */
class SaslMechanism
{
public:
    SaslMechanism(QString user, QByteArray secret);
    virtual ~SaslMechanism();
    Q_DISABLE_COPY_MOVE(SaslMechanism)

    /// The registered name, upper-case ("PLAIN").
    virtual QByteArray name() const = 0;
    /// The response sent with the AUTH command, when the mechanism speaks first (RFC 4422 s.3.3).
    virtual std::optional<QByteArray> initialResponse() { return std::nullopt; }
    /// The answer to one decoded server challenge; nullopt when the challenge makes no sense here
    /// and the exchange should be cancelled (problem() says why).
    virtual std::optional<QByteArray> respond(const QByteArray& challenge) = 0;
    /// True when anyone who reads the connection learns the secret (PLAIN, LOGIN, a bearer token);
    /// false for challenge-response mechanisms (CRAM-MD5).
    virtual bool revealsSecret() const { return true; }

    /// Why respond() gave up, or what the server said inside a challenge (XOAUTH2's error JSON).
    QString problem() const { return m_problem; }

    /// Every mechanism this build implements, strongest first.
    static QList<QByteArray> supported();
    /// The mechanism to use. `requested` is "auto" or a name (any case, e.g. "cram-md5").
    /// auto: the strongest mechanism that is both offered and supported and works with a password
    /// (XOAUTH2 needs a token, so only when asked for). A named one: itself when offered.
    /// Empty when nothing fits.
    static QByteArray choose(const QStringList& offered, const QString& requested);
    /// A mechanism by name; null for an unknown one.
    static std::unique_ptr<SaslMechanism> create(const QByteArray& name, const QString& user,
                                                 const QByteArray& secret);

protected:
    QByteArray userBytes() const { return m_user.toUtf8(); }
    const QByteArray& secret() const { return m_secret; }
    void setProblem(const QString& problem) { m_problem = problem; }

private:
    QString m_user;
    QByteArray m_secret;
    QString m_problem;
};
