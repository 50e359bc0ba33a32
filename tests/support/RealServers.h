#pragma once

#include <QFile>
#include <QHash>
#include <QSslCertificate>
#include <QString>

/**
 * The servers a ctest fixture started on 127.0.0.1: by default the real Postfix/Dovecot of the
 * fixture `real-servers` (tests/integration/servers/start-all.sh, env file named by
 * MAILSCOPE_SERVERS_ENV), or the `openssl s_server` endpoints of `tls-servers`
 * (start-s-server.sh, MAILSCOPE_TLS_SERVERS_ENV). Ports, certificate paths and the fixture's
 * own observations (what `openssl s_client` said) come from that env file.
 */
class RealServers final
{
public:
    static constexpr const char* MailServersEnv = "MAILSCOPE_SERVERS_ENV";
    static constexpr const char* TlsServersEnv = "MAILSCOPE_TLS_SERVERS_ENV";

    /// Loads the environment; false (with a message) when the fixture did not run, or when the
    /// file is left over from a run that did not complete or was stopped (no FIXTURE_READY).
    bool load(QString* error, const char* variable = MailServersEnv)
    {
        const QString path = qEnvironmentVariable(variable);
        if (path.isEmpty()) {
            *error = QStringLiteral("%1 is not set: run this test through ctest, which starts "
                                    "the servers first (fixtures real-servers, tls-servers)")
                         .arg(QLatin1String(variable));
            return false;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1 (%2): did the real-servers fixture start?")
                         .arg(path, file.errorString());
            return false;
        }
        while (!file.atEnd()) {
            const QString line = QString::fromUtf8(file.readLine()).trimmed();
            const qsizetype eq = line.indexOf(QLatin1Char('='));
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')) || eq <= 0)
                continue;
            m_values.insert(line.left(eq), line.mid(eq + 1));
        }
        if (!m_values.contains(QStringLiteral("FIXTURE_READY"))) {
            *error = QStringLiteral("%1 has no FIXTURE_READY: it is stale (left by a run that failed or was "
                                    "stopped); run the test through ctest")
                         .arg(path);
            return false;
        }
        return true;
    }

    QString value(const QString& key) const { return m_values.value(key); }
    quint16 port(const QString& key) const { return quint16(m_values.value(key).toUInt()); }
    QList<QSslCertificate> certificates(const QString& key) const
    {
        return QSslCertificate::fromPath(m_values.value(key), QSsl::Pem);
    }

private:
    QHash<QString, QString> m_values;
};
