#pragma once

#include <QFile>
#include <QHash>
#include <QSslCertificate>
#include <QString>

/**
 * The real Postfix/Dovecot instances that the ctest fixture `real-servers` started
 * (tests/integration/servers/start-all.sh). Their ports and certificate paths come from the
 * servers.env file named by MAILSCOPE_SERVERS_ENV.
 */
class RealServers final
{
public:
    /// Loads the environment; false (with a message) when the fixture did not run.
    bool load(QString* error)
    {
        const QString path = qEnvironmentVariable("MAILSCOPE_SERVERS_ENV");
        if (path.isEmpty()) {
            *error =
                QStringLiteral("MAILSCOPE_SERVERS_ENV is not set: run this test through ctest, which starts "
                               "the real servers first (fixture real-servers)");
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
