// MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) parsers, with the RFCs' own examples.

#include "domain/MtaStsPolicy.h"

#include <QTest>

class TestDomainParsers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stsRecord_data();
    void stsRecord();
    void stsPolicy_data();
    void stsPolicy();
    void mxPatterns_data();
    void mxPatterns();
    void tlsRpt_data();
    void tlsRpt();
};

void TestDomainParsers::stsRecord_data()
{
    QTest::addColumn<QList<QByteArray>>("txt");
    QTest::addColumn<QString>("id"); // empty: invalid
    // RFC 8461 s.3.1's example.
    QTest::newRow("rfc8461-example") << QList<QByteArray> {"v=STSv1; id=20160831085700Z;"}
                                     << "20160831085700Z";
    QTest::newRow("no-trailing-semicolon") << QList<QByteArray> {"v=STSv1;id=abc"} << "abc";
    QTest::newRow("foreign-record-ignored") << QList<QByteArray> {"v=spf1 -all", "v=STSv1; id=1"} << "1";
    QTest::newRow("two-records") << QList<QByteArray> {"v=STSv1; id=1", "v=STSv1; id=2"} << "";
    QTest::newRow("no-id") << QList<QByteArray> {"v=STSv1;"} << "";
    QTest::newRow("id-too-long") << QList<QByteArray> {"v=STSv1; id=" + QByteArray(33, 'a')} << "";
    QTest::newRow("id-punctuation") << QList<QByteArray> {"v=STSv1; id=2016-08-31"} << "";
    QTest::newRow("version-not-first") << QList<QByteArray> {"id=1; v=STSv1"} << "";
    QTest::newRow("none") << QList<QByteArray> {} << "";
}

void TestDomainParsers::stsRecord()
{
    QFETCH(QList<QByteArray>, txt);
    QFETCH(QString, id);
    QString error;
    const auto record = MtaStsRecord::parse(txt, &error);
    QCOMPARE(record.has_value(), !id.isEmpty());
    if (record)
        QCOMPARE(record->id, id);
    else
        QVERIFY(!error.isEmpty());
}

void TestDomainParsers::stsPolicy_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QStringList>("mx");
    QTest::addColumn<qint64>("maxAge");
    // RFC 8461 s.3.2's example policy, with CRLF line ends as served.
    QTest::newRow("rfc8461-example") << QByteArray(
        "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n"
        "mx: backupmx.example.com\r\nmax_age: 604800\r\n")
                                     << true << "enforce"
                                     << QStringList {"mail.example.com", "*.example.net",
                                                     "backupmx.example.com"}
                                     << qint64(604800);
    QTest::newRow("lf-testing") << QByteArray(
        "version: STSv1\nmode: testing\nmx: mx.example.org\nmax_age: 86400")
                                << true << "testing" << QStringList {"mx.example.org"} << qint64(86400);
    QTest::newRow("none-without-mx") << QByteArray("version: STSv1\nmode: none\nmax_age: 0\n") << true
                                     << "none" << QStringList {} << qint64(0);
    QTest::newRow("extension-key-ignored")
        << QByteArray("version: STSv1\nmode: enforce\nfoo: bar\nmx: a.example\nmax_age: 1\n") << true
        << "enforce" << QStringList {"a.example"} << qint64(1);
    QTest::newRow("max-age-at-limit")
        << QByteArray("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557600\n") << true
        << "enforce" << QStringList {"a.example"} << qint64(31557600);
    QTest::newRow("max-age-past-limit")
        << QByteArray("version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n") << false << ""
        << QStringList {} << qint64(0);
    QTest::newRow("wrong-version") << QByteArray("version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n")
                                   << false << "" << QStringList {} << qint64(0);
    QTest::newRow("bad-mode") << QByteArray("version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n")
                              << false << "" << QStringList {} << qint64(0);
    QTest::newRow("enforce-without-mx") << QByteArray("version: STSv1\nmode: enforce\nmax_age: 1\n") << false
                                        << "" << QStringList {} << qint64(0);
    QTest::newRow("no-max-age") << QByteArray("version: STSv1\nmode: enforce\nmx: a.example\n") << false << ""
                                << QStringList {} << qint64(0);
    QTest::newRow("html") << QByteArray("<html><body>Not found</body></html>") << false << ""
                          << QStringList {} << qint64(0);
    QTest::newRow("wildcard-in-middle")
        << QByteArray("version: STSv1\nmode: enforce\nmx: a.*.example\nmax_age: 1\n") << false << ""
        << QStringList {} << qint64(0);
}

void TestDomainParsers::stsPolicy()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QString error;
    const auto policy = MtaStsPolicy::parse(text, &error);
    QCOMPARE(policy.has_value(), valid);
    if (!valid) {
        QVERIFY(!error.isEmpty());
        return;
    }
    QFETCH(QString, mode);
    QFETCH(QStringList, mx);
    QFETCH(qint64, maxAge);
    QCOMPARE(MtaStsPolicy::toKey(policy->mode), mode);
    QCOMPARE(policy->mx, mx);
    QCOMPARE(policy->maxAge, maxAge);
}

void TestDomainParsers::mxPatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("matches");
    // RFC 8461 s.4.1: "*.example.com" matches "mail.example.com" but not "example.com" nor
    // "foo.bar.example.com".
    QTest::newRow("wildcard-one-label") << "*.example.com"
                                        << "mail.example.com" << true;
    QTest::newRow("wildcard-not-apex") << "*.example.com"
                                       << "example.com" << false;
    QTest::newRow("wildcard-not-two-labels") << "*.example.com"
                                             << "foo.bar.example.com" << false;
    QTest::newRow("exact") << "mail.example.com"
                           << "mail.example.com" << true;
    QTest::newRow("exact-case-and-dot") << "mail.example.com"
                                        << "MAIL.Example.com." << true;
    QTest::newRow("exact-other") << "mail.example.com"
                                 << "mail2.example.com" << false;
    QTest::newRow("suffix-is-not-a-match") << "example.com"
                                           << "mail.example.com" << false;
}

void TestDomainParsers::mxPatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, host);
    QFETCH(bool, matches);
    QCOMPARE(MtaStsPolicy::mxMatches(pattern, host), matches);
}

void TestDomainParsers::tlsRpt_data()
{
    QTest::addColumn<QList<QByteArray>>("txt");
    QTest::addColumn<QStringList>("rua"); // empty: invalid
    // RFC 8460 s.3.1's examples.
    QTest::newRow("rfc8460-mailto") << QList<QByteArray> {"v=TLSRPTv1;rua=mailto:reports@example.com"}
                                    << QStringList {"mailto:reports@example.com"};
    QTest::newRow("rfc8460-https")
        << QList<QByteArray> {"v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt"}
        << QStringList {"https://reporting.example.com/v1/tlsrpt"};
    QTest::newRow("two-uris")
        << QList<QByteArray> {"v=TLSRPTv1; rua=mailto:a@example.org,https://r.example.org/x"}
        << QStringList {"mailto:a@example.org", "https://r.example.org/x"};
    QTest::newRow("no-rua") << QList<QByteArray> {"v=TLSRPTv1;"} << QStringList {};
    QTest::newRow("http-not-allowed")
        << QList<QByteArray> {"v=TLSRPTv1; rua=http://r.example.org/"} << QStringList {};
    QTest::newRow("mailto-without-address")
        << QList<QByteArray> {"v=TLSRPTv1; rua=mailto:nobody"} << QStringList {};
    QTest::newRow("two-records") << QList<QByteArray> {"v=TLSRPTv1; rua=mailto:a@example.org",
                                                       "v=TLSRPTv1; rua=mailto:b@example.org"}
                                 << QStringList {};
    QTest::newRow("none") << QList<QByteArray> {"v=spf1 -all"} << QStringList {};
}

void TestDomainParsers::tlsRpt()
{
    QFETCH(QList<QByteArray>, txt);
    QFETCH(QStringList, rua);
    QString error;
    const auto record = TlsRptRecord::parse(txt, &error);
    QCOMPARE(record.has_value(), !rua.isEmpty());
    if (record)
        QCOMPARE(record->rua, rua);
    else
        QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(TestDomainParsers)
#include "TestDomainParsers.moc"
