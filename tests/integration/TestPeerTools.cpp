// Mailscope's TLS audit next to the peer tools (issue 11): on the fixture servers (Postfix
// default, legacy and TLS 1.2-only listeners; the s_server TLS 1.2 server-order and legacy
// endpoints, one connection at a time), `mailscope-cli check --tls-versions --ciphers` must find
// per version exactly the suites that sslscan finds live, and exactly those that
// `testssl.sh --cipher-per-proto` found when tests/integration/servers/peer-tools.sh captured
// tests/data/peer-tools (testssl.sh takes minutes per server). Suites are compared by IANA code;
// the expectations come from the tools, and names are turned into codes by `openssl ciphers -V`,
// never by Mailscope's own tables.

#include "RealServers.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

namespace {

constexpr int ToolTimeoutMs = 120000;
using SuiteSets = QMap<QString, QSet<QString>>; // version -> {"0xC030", ...}

const QStringList TlsVersions = {QStringLiteral("TLSv1.0"), QStringLiteral("TLSv1.1"),
                                 QStringLiteral("TLSv1.2"), QStringLiteral("TLSv1.3")};
const QStringList AllVersions = QStringList {QStringLiteral("SSLv2"), QStringLiteral("SSLv3")} + TlsVersions;

/// "0xC0,0x30", "0xc030", "c030" -> "0xC030".
QString normalCode(QString text)
{
    text.remove(QStringLiteral("0x")).remove(QStringLiteral("0X")).remove(QLatin1Char(','));
    bool ok = false;
    const uint value = text.toUInt(&ok, 16);
    if (!ok)
        return QStringLiteral("?") + text;
    return QStringLiteral("0x%1")
        .arg(value, text.size() > 4 ? 6 : 4, 16, QLatin1Char('0'))
        .toUpper()
        .replace(QLatin1String("0X"), QLatin1String("0x"));
}

QString describe(const QSet<QString>& codes)
{
    QStringList list(codes.cbegin(), codes.cend());
    list.sort();
    return list.join(QLatin1Char(' '));
}

struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

ProcessResult run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForFinished(ToolTimeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
} // namespace

class TestPeerTools final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sameSuitesAsPeers_data();
    void sameSuitesAsPeers();

private:
    SuiteSets mailscope(const QString& target, quint16 port, bool startTls, QStringList* acceptedVersions,
                        int* retries);
    SuiteSets sslscan(quint16 port, bool startTls, QStringList* enabledVersions);
    static SuiteSets capture(const QString& file, QString* error);

    RealServers m_mail;
    RealServers m_tls;
    QHash<QString, QString> m_codeOfName; ///< OpenSSL name -> IANA code, from `openssl ciphers -V`
    QString m_sslscan;
    QTemporaryDir m_dir;
};

void TestPeerTools::initTestCase()
{
    QString error;
    QVERIFY2(m_mail.load(&error), qPrintable(error));
    QVERIFY2(m_tls.load(&error, RealServers::TlsServersEnv), qPrintable(error));
    QVERIFY(m_dir.isValid());
    // A prerequisite, not an option: tools/build.sh installs it (package sslscan).
    m_sslscan = QStandardPaths::findExecutable(QStringLiteral("sslscan"));
    QVERIFY2(!m_sslscan.isEmpty(), "sslscan is not installed (Debian package sslscan; tools/build.sh deps)");

    const ProcessResult names =
        run(QStringLiteral("openssl"), {QStringLiteral("ciphers"), QStringLiteral("-V"),
                                        QStringLiteral("ALL:COMPLEMENTOFALL:@SECLEVEL=0")});
    QCOMPARE(names.exitCode, 0);
    static const QRegularExpression line(QStringLiteral("^\\s*(0x[0-9A-F]{2},0x[0-9A-F]{2})\\s+-\\s+(\\S+)"));
    for (const QByteArray& l : names.out.split('\n')) {
        const QRegularExpressionMatch m = line.match(QString::fromLatin1(l));
        if (m.hasMatch())
            m_codeOfName.insert(m.captured(2), normalCode(m.captured(1)));
    }
    QVERIFY(m_codeOfName.size() > 100);
}

void TestPeerTools::sameSuitesAsPeers_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<bool>("mailServer");
    QTest::addColumn<QString>("portKey");
    QTest::addColumn<bool>("limited");
    QTest::newRow("postfix-default") << "postfix-default" << true << "SMTP_PORT" << false;
    QTest::newRow("postfix-legacy") << "postfix-legacy" << true << "SMTP_LEGACY_PORT" << false;
    QTest::newRow("postfix-tls12") << "postfix-tls12" << true << "SMTP_TLS12_PORT" << false;
    // The default listener's TLS, at most 2 connections per client and 421 beyond (Postfix's own
    // smtpd_client_connection_count_limit, loopback not exempt): the same sets as testssl.sh's
    // capture of postfix-default, and sslscan's (one connection at a time) live.
    QTest::newRow("postfix-limit") << "postfix-default" << true << "SMTP_LIMIT_PORT" << true;
    QTest::newRow("s-server-tls12") << "s-server-tls12" << false << "S_TLS12_PORT" << false;
    QTest::newRow("s-server-legacy") << "s-server-legacy" << false << "S_LEGACY_PORT" << false;
}

void TestPeerTools::sameSuitesAsPeers()
{
    QFETCH(QString, target);
    QFETCH(bool, mailServer);
    QFETCH(QString, portKey);
    QFETCH(bool, limited);
    const quint16 port = (mailServer ? m_mail : m_tls).port(portKey);
    QVERIFY2(port != 0, qPrintable(portKey));

    QStringList accepted;
    int retries = 0;
    const SuiteSets ours = mailscope(target, port, mailServer, &accepted, &retries);
    if (QTest::currentTestFailed())
        return;
    // Whether the audit's probes meet Postfix's limit depends on how fast its smtpd processes
    // take connections (queued connections are not counted): the row proves that the result is
    // complete and right either way; TestLegacyTlsAudit meets a limit for certain.
    if (limited)
        qInfo("%s behind the connection limit: %d retries", qPrintable(portKey), retries);

    // sslscan, live. Its OpenSSL 3 cannot speak SSLv2/SSLv3 (it says "disabled" without
    // trying), so it is the oracle for TLS 1.0 to 1.3.
    QStringList enabled;
    const SuiteSets theirs = sslscan(port, mailServer, &enabled);
    if (QTest::currentTestFailed())
        return;
    for (const QString& v : TlsVersions) {
        QVERIFY2(
            accepted.contains(v) == enabled.contains(v),
            qPrintable(
                QStringLiteral("%1 %2: Mailscope says %3, sslscan %4")
                    .arg(target, v,
                         accepted.contains(v) ? QStringLiteral("accepted") : QStringLiteral("not accepted"),
                         enabled.contains(v) ? QStringLiteral("enabled") : QStringLiteral("disabled"))));
        const QSet<QString> a = ours.value(v);
        const QSet<QString> b = theirs.value(v);
        QVERIFY2(a == b, qPrintable(QStringLiteral("%1 %2: only Mailscope: [%3]; only sslscan: [%4]")
                                        .arg(target, v, describe(a - b), describe(b - a))));
    }

    // testssl.sh, as captured: every version, SSLv2 and SSLv3 included.
    QString error;
    const SuiteSets captured = capture(target + QStringLiteral(".testssl.json"), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    for (const QString& v : AllVersions) {
        const QSet<QString> a = ours.value(v);
        const QSet<QString> b = captured.value(v);
        QVERIFY2(a == b, qPrintable(QStringLiteral("%1 %2: only Mailscope: [%3]; only testssl.sh: [%4]")
                                        .arg(target, v, describe(a - b), describe(b - a))));
    }
}

SuiteSets TestPeerTools::mailscope(const QString& target, quint16 port, bool startTls,
                                   QStringList* acceptedVersions, int* retries)
{
    QStringList args {QStringLiteral("check"),
                      QStringLiteral("localhost:%1").arg(port),
                      QStringLiteral("--tls-versions"),
                      QStringLiteral("--ciphers"),
                      QStringLiteral("--json"),
                      QStringLiteral("--timeout"),
                      QStringLiteral("10")};
    if (startTls) {
        args << QStringLiteral("--tls") << QStringLiteral("starttls") << QStringLiteral("--ca-file")
             << m_mail.value(QStringLiteral("CA_FILE"));
    } else {
        // s_server speaks no mail protocol: the check ends after the handshake.
        args << QStringLiteral("--tls") << QStringLiteral("implicit") << QStringLiteral("--stop-after")
             << QStringLiteral("tls-handshake") << QStringLiteral("--ca-file")
             << m_tls.value(QStringLiteral("S_CERT_DIR")) + QStringLiteral("/ca.pem");
    }
    const ProcessResult r = run(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    const QJsonObject report = QJsonDocument::fromJson(r.out).object();
    [&] {
        QVERIFY2(!report.isEmpty(),
                 qPrintable(target + QStringLiteral(": no JSON report; ") + QString::fromUtf8(r.err)));
    }();
    const QJsonObject audit = report.value(QStringLiteral("tls_audit")).toObject();
    [&] {
        QVERIFY2(audit.value(QStringLiteral("untested")).toArray().isEmpty(),
                 qPrintable(target + QStringLiteral(": the audit is incomplete: ")
                            + QString::fromUtf8(
                                QJsonDocument(audit.value(QStringLiteral("untested")).toArray()).toJson())));
    }();

    *retries = audit.value(QStringLiteral("retries")).toInt();
    const QJsonObject versions = report.value(QStringLiteral("tls_versions")).toObject();
    for (auto it = versions.begin(); it != versions.end(); ++it) {
        if (it.value().toString() == QLatin1String("accepted"))
            acceptedVersions->append(it.key());
    }
    SuiteSets sets;
    // With the raw probes, tls_audit.suites gives every accepted suite's code; before them, the
    // OpenSSL names in "ciphers".
    const QJsonObject suites = audit.value(QStringLiteral("suites")).toObject();
    if (!suites.isEmpty()) {
        for (auto it = suites.begin(); it != suites.end(); ++it) {
            for (const QJsonValue& s : it.value().toArray()) {
                const QJsonValue code = s.toObject().value(QStringLiteral("code"));
                sets[it.key()].insert(code.isDouble() ? normalCode(QString::number(code.toInteger(), 16))
                                                      : normalCode(code.toString()));
            }
        }
        return sets;
    }
    const QJsonObject ciphers = report.value(QStringLiteral("ciphers")).toObject();
    for (auto it = ciphers.begin(); it != ciphers.end(); ++it) {
        for (const QJsonValue& name : it.value().toArray())
            sets[it.key()].insert(
                m_codeOfName.value(name.toString(), QStringLiteral("name:") + name.toString()));
    }
    return sets;
}

SuiteSets TestPeerTools::sslscan(quint16 port, bool startTls, QStringList* enabledVersions)
{
    const QString xml = m_dir.filePath(QStringLiteral("sslscan-%1.xml").arg(port));
    QStringList args {QStringLiteral("--no-colour"),     QStringLiteral("--no-check-certificate"),
                      QStringLiteral("--no-heartbleed"), QStringLiteral("--no-compression"),
                      QStringLiteral("--no-fallback"),   QStringLiteral("--no-renegotiation"),
                      QStringLiteral("--no-groups"),     QStringLiteral("--xml=") + xml};
    if (startTls)
        args << QStringLiteral("--starttls-smtp");
    args << QStringLiteral("127.0.0.1:%1").arg(port);
    const ProcessResult r = run(m_sslscan, args);
    [&] {
        QVERIFY2(r.exitCode == 0,
                 qPrintable(QStringLiteral("sslscan failed: ") + QString::fromUtf8(r.out + r.err)));
    }();
    QFile file(xml);
    [&] { QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(xml)); }();
    SuiteSets sets;
    QXmlStreamReader reader(&file);
    while (!reader.atEnd()) {
        if (reader.readNext() != QXmlStreamReader::StartElement)
            continue;
        const QXmlStreamAttributes a = reader.attributes();
        if (reader.name() == QLatin1String("protocol")
            && a.value(QLatin1String("enabled")) == QLatin1String("1")) {
            enabledVersions->append((a.value(QLatin1String("type")) == QLatin1String("ssl")
                                         ? QStringLiteral("SSLv")
                                         : QStringLiteral("TLSv"))
                                    + a.value(QLatin1String("version")).toString());
        } else if (reader.name() == QLatin1String("cipher")) {
            const QStringView status = a.value(QLatin1String("status"));
            if (status == QLatin1String("accepted") || status == QLatin1String("preferred"))
                sets[a.value(QLatin1String("sslversion")).toString()].insert(
                    normalCode(a.value(QLatin1String("id")).toString()));
        }
    }
    [&] { QVERIFY2(!reader.hasError(), qPrintable(reader.errorString())); }();
    return sets;
}

SuiteSets TestPeerTools::capture(const QString& name, QString* error)
{
    const QString path = qEnvironmentVariable("MAILSCOPE_TEST_DATA") + QStringLiteral("/peer-tools/") + name;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: capture it with tests/integration/servers/peer-tools.sh")
                     .arg(path);
        return {};
    }
    const QJsonObject versions =
        QJsonDocument::fromJson(file.readAll()).object().value(QStringLiteral("versions")).toObject();
    SuiteSets sets;
    for (auto it = versions.begin(); it != versions.end(); ++it) {
        for (const QJsonValue& code : it.value().toArray())
            sets[it.key()].insert(normalCode(code.toString()));
    }
    if (sets.isEmpty())
        *error = QStringLiteral("%1 lists no version").arg(path);
    return sets;
}

QTEST_GUILESS_MAIN(TestPeerTools)
#include "TestPeerTools.moc"
