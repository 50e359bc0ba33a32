// The bounds every dialect puts on one reply (STYLE.md: a test at the bound and one past it):
// Dialect::MaxReplyBytes bytes and 512 lines (SmtpDialect/ImapDialect/Pop3Dialect::MaxReplyLines).
// The replies are built here from the RFC grammars, not with the dialects' own helpers.

#include "protocol/Dialect.h"
#include "TestPrinters.h"

#include <QTest>

Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(Dialect::Feed)

namespace {

/// `count` lines of one reply whose lines hold `bytes` bytes together (each line at most 64 KB),
/// complete after the last line: SMTP "250-"/"250 " (RFC 5321 s.4.2), IMAP untagged lines and a
/// tagged OK (RFC 9051 s.7), POP3 "+OK", capability lines and "." (RFC 2449 s.5).
QList<QByteArray> reply(Protocol protocol, int count, qsizetype bytes)
{
    QList<QByteArray> lines;
    QByteArray first;
    QByteArray last;
    QByteArray prefix;
    switch (protocol) {
    case Protocol::Smtp:
        first = "250-mx";
        last = "250 END";
        prefix = "250-";
        break;
    case Protocol::Imap:
        first = "* OK x";
        last = "A1 OK done";
        prefix = "* X ";
        break;
    case Protocol::Pop3:
        first = "+OK";
        last = ".";
        prefix = "";
        break;
    }
    lines.append(first);
    const int middle = count - 2;
    qsizetype left = bytes - first.size() - last.size();
    for (int i = 0; i < middle; ++i) {
        const qsizetype size = std::max<qsizetype>(prefix.size() + 1, left / (middle - i));
        lines.append(prefix + QByteArray(size - prefix.size(), 'a'));
        left -= size;
    }
    lines.append(last);
    return lines;
}

} // namespace

class TestReplyBounds final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bounds_data();
    void bounds();
};

void TestReplyBounds::bounds_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<int>("lines");
    QTest::addColumn<qsizetype>("bytes");
    QTest::addColumn<bool>("complete");

    const qsizetype small = 20 * 1024;
    const qsizetype max = 256 * 1024; // Dialect::MaxReplyBytes
    for (Protocol p : {Protocol::Smtp, Protocol::Imap, Protocol::Pop3}) {
        const QByteArray name = toKey(p).toLatin1();
        QTest::newRow((name + " 512 lines").constData()) << p << 512 << small << true;
        QTest::newRow((name + " 513 lines").constData()) << p << 513 << small << false;
        QTest::newRow((name + " 256 KiB").constData()) << p << 8 << max << true;
        QTest::newRow((name + " 256 KiB + 1").constData()) << p << 8 << max + 1 << false;
    }
}

void TestReplyBounds::bounds()
{
    QFETCH(Protocol, protocol);
    QFETCH(int, lines);
    QFETCH(qsizetype, bytes);
    QFETCH(bool, complete);

    const QList<QByteArray> input = reply(protocol, lines, bytes);
    QCOMPARE(input.size(), lines);
    qsizetype total = 0;
    for (const QByteArray& l : input)
        total += l.size();
    QCOMPARE(total, bytes);

    auto dialect = Dialect::create(protocol, "probe.test");
    dialect->expectReply(Dialect::Expect::Capabilities);
    if (protocol == Protocol::Imap)
        dialect->capabilityCommand(0); // IMAP waits for the tag of the command it sent (A1)
    Dialect::Feed feed = Dialect::Feed::NeedMore;
    int fed = 0;
    for (const QByteArray& l : input) {
        feed = dialect->feed(l);
        ++fed;
        if (feed != Dialect::Feed::NeedMore)
            break;
    }
    if (complete) {
        QCOMPARE(feed, Dialect::Feed::Complete);
        QCOMPARE(fed, lines);
        QCOMPARE(dialect->takeReply().lines.size(), lines);
    } else {
        QCOMPARE(feed, Dialect::Feed::TooLong);
        QVERIFY2(dialect->problem().contains(lines > 512 ? QLatin1String("more than 512 lines")
                                                         : QLatin1String("more than 262144 bytes")),
                 qPrintable(dialect->problem()));
    }
}

QTEST_GUILESS_MAIN(TestReplyBounds)
#include "TestReplyBounds.moc"
