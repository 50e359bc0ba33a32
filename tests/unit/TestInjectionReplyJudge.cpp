// InjectionReplyJudge as plain data: which lines inside TLS prove that a server answered the
// command injected behind STARTTLS, and which never can (a second greeting, a flood, more replies
// than commands). Expectations follow the command-reply rules of RFC 5321 s.4.3.2 (NOOP 250,
// QUIT 221), RFC 9051 s.2.2.1 (tags) and RFC 1939 s.3 (NOOP is refused before login, QUIT +OK).

#include "audit/InjectionReplyJudge.h"

#include <QTest>

using JV = InjectionReplyJudge::Verdict;

Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(InjectionReplyJudge::Verdict)

namespace {
constexpr char InjectedTag[] = "INJ00C0FFEE";
constexpr char QuitTag[] = "A3";

enum End
{
    DuringFeed, ///< decided by a line; no end() call
    Closed,
    TimedOut
};

} // namespace

class TestInjectionReplyJudge final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void judge_data();
    void judge();
    void floodIsCutAtTheBound();
};

void TestInjectionReplyJudge::judge_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<int>("end"); ///< End
    QTest::addColumn<JV>("verdict");
    QTest::addColumn<QString>("evidence"); ///< text the detail must quote

    using L = QList<QByteArray>;
    const Protocol smtp = Protocol::Smtp;
    const Protocol imap = Protocol::Imap;
    const Protocol pop3 = Protocol::Pop3;

    // ---- SMTP: NOOP -> 250 (or an error), QUIT -> 221 ----
    QTest::newRow("smtp only QUIT's reply")
        << smtp << L {"221 2.0.0 Bye"} << int(DuringFeed) << JV::NotVulnerable << "221 2.0.0 Bye";
    QTest::newRow("smtp NOOP answered, then QUIT")
        << smtp << L {"250 2.0.0 Ok", "221 2.0.0 Bye"} << int(DuringFeed) << JV::Vulnerable << "250 2.0.0 Ok";
    QTest::newRow("smtp NOOP refused, then QUIT") << smtp << L {"502 5.5.1 no NOOP here", "221 Bye"}
                                                  << int(DuringFeed) << JV::Vulnerable << "502 5.5.1";
    QTest::newRow("smtp multi-line NOOP reply")
        << smtp << L {"250-one", "250 two", "221 Bye"} << int(DuringFeed) << JV::Vulnerable << "250 two";
    QTest::newRow("smtp second greeting, then QUIT")
        << smtp << L {"220 mx.test.invalid ESMTP again", "221 Bye"} << int(DuringFeed) << JV::NotVulnerable
        << "220 mx.test.invalid ESMTP again";
    QTest::newRow("smtp second greeting and NOOP's reply")
        << smtp << L {"220 again", "250 Ok"} << int(DuringFeed) << JV::Inconclusive << "220 again";
    QTest::newRow("smtp two 250s (a flood's start)")
        << smtp << L {"250 flood", "250 flood"} << int(DuringFeed) << JV::Inconclusive << "250 flood";
    QTest::newRow("smtp not SMTP") << smtp << L {"* OK IMAP here"} << int(DuringFeed) << JV::Inconclusive
                                   << "* OK IMAP here";
    QTest::newRow("smtp code changes mid-reply")
        << smtp << L {"250-one", "221 two"} << int(DuringFeed) << JV::Inconclusive << "221 two";
    QTest::newRow("smtp silent close") << smtp << L {} << int(Closed) << JV::NotVulnerable << "";
    QTest::newRow("smtp silent timeout") << smtp << L {} << int(TimedOut) << JV::Inconclusive << "";
    QTest::newRow("smtp one 250, then close")
        << smtp << L {"250 Ok"} << int(Closed) << JV::Inconclusive << "250 Ok";
    QTest::newRow("smtp one 220, then close")
        << smtp << L {"220 again"} << int(Closed) << JV::NotVulnerable << "220 again";
    QTest::newRow("smtp unfinished multi-line, then close")
        << smtp << L {"250-one"} << int(Closed) << JV::Inconclusive << "250";

    // ---- IMAP: the injected command's own tag is the proof ----
    QTest::newRow("imap only LOGOUT") << imap << L {"* BYE Logging out", "A3 OK Logout completed."}
                                      << int(DuringFeed) << JV::NotVulnerable << "A3 OK Logout completed.";
    QTest::newRow("imap injected tag OK") << imap << L {"INJ00C0FFEE OK NOOP completed"} << int(DuringFeed)
                                          << JV::Vulnerable << "INJ00C0FFEE OK NOOP completed";
    QTest::newRow("imap injected tag BAD") << imap << L {"* OK", "INJ00C0FFEE BAD unknown"} << int(DuringFeed)
                                           << JV::Vulnerable << "INJ00C0FFEE BAD unknown";
    QTest::newRow("imap second greeting") << imap << L {"* OK IMAP ready again", "* BYE", "A3 OK bye"}
                                          << int(DuringFeed) << JV::NotVulnerable << "A3 OK bye";
    QTest::newRow("imap stale tag, then LOGOUT")
        << imap << L {"A2 OK stale", "A3 OK bye"} << int(DuringFeed) << JV::NotVulnerable << "A2 OK stale";
    QTest::newRow("imap another probe's tag") << imap << L {"INJ1 OK NOOP completed"} << int(TimedOut)
                                              << JV::Inconclusive << "INJ1 OK NOOP completed";
    QTest::newRow("imap close") << imap << L {"* BYE"} << int(Closed) << JV::NotVulnerable << "";
    QTest::newRow("imap timeout") << imap << L {"* OK still here"} << int(TimedOut) << JV::Inconclusive << "";

    // ---- POP3: NOOP -> -ERR before login, QUIT -> +OK ----
    QTest::newRow("pop3 only QUIT's reply")
        << pop3 << L {"+OK Logging out."} << int(Closed) << JV::NotVulnerable << "+OK Logging out.";
    QTest::newRow("pop3 QUIT's reply, server lingers")
        << pop3 << L {"+OK Logging out."} << int(TimedOut) << JV::NotVulnerable << "+OK Logging out.";
    QTest::newRow("pop3 NOOP refused, then QUIT")
        << pop3 << L {"-ERR Not logged in", "+OK Bye"} << int(DuringFeed) << JV::Vulnerable
        << "-ERR Not logged in";
    QTest::newRow("pop3 second greeting, then QUIT")
        << pop3 << L {"+OK POP3 ready again", "+OK Bye"} << int(Closed) << JV::Inconclusive
        << "+OK POP3 ready again";
    QTest::newRow("pop3 three replies")
        << pop3 << L {"+OK a", "-ERR b", "+OK c"} << int(DuringFeed) << JV::Inconclusive << "3";
    QTest::newRow("pop3 refusal only")
        << pop3 << L {"-ERR nope"} << int(Closed) << JV::Inconclusive << "-ERR nope";
    QTest::newRow("pop3 continuation")
        << pop3 << L {"+ go on"} << int(DuringFeed) << JV::Inconclusive << "+ go on";
    QTest::newRow("pop3 silent close") << pop3 << L {} << int(Closed) << JV::NotVulnerable << "";
    QTest::newRow("pop3 silent timeout") << pop3 << L {} << int(TimedOut) << JV::Inconclusive << "";
}

void TestInjectionReplyJudge::judge()
{
    QFETCH(Protocol, protocol);
    QFETCH(QList<QByteArray>, lines);
    QFETCH(int, end);
    QFETCH(JV, verdict);
    QFETCH(QString, evidence);

    InjectionReplyJudge judge(protocol, InjectedTag, QuitTag);
    for (int i = 0; i < lines.size(); ++i) {
        const JV v = judge.feed(lines.at(i));
        // Decided exactly at the last line when it decides during feed, never before.
        const bool last = i == lines.size() - 1;
        if (end == DuringFeed && last)
            QCOMPARE(v, verdict);
        else
            QCOMPARE(v, JV::Undecided);
    }
    if (end != DuringFeed)
        QCOMPARE(judge.end(end == Closed), verdict);
    QCOMPARE(judge.verdict(), verdict);
    QVERIFY(!judge.detail().isEmpty());
    QVERIFY2(judge.detail().contains(evidence), qPrintable(judge.detail()));
    // A decision is final.
    QCOMPARE(judge.feed("250 late"), verdict);
    QCOMPARE(judge.end(true), verdict);
}

void TestInjectionReplyJudge::floodIsCutAtTheBound()
{
    // Lines that never decide anything on their own: a multi-line SMTP reply, untagged IMAP data.
    const QList<std::pair<Protocol, QByteArray>> floods {{Protocol::Smtp, "250-flood"},
                                                         {Protocol::Imap, "* OK flood"}};
    for (const auto& [protocol, line] : floods) {
        InjectionReplyJudge judge(protocol, InjectedTag, QuitTag);
        int fed = 0;
        JV v = JV::Undecided;
        while (v == JV::Undecided && fed < 100000) {
            v = judge.feed(line);
            ++fed;
        }
        QCOMPARE(v, JV::Inconclusive);
        QCOMPARE(fed, InjectionReplyJudge::MaxLines + 1);
        QVERIFY2(judge.detail().contains(QLatin1String("flooding")), qPrintable(judge.detail()));
    }
    // The byte bound: few, long lines.
    InjectionReplyJudge judge(Protocol::Smtp);
    const QByteArray longLine = "250-" + QByteArray(4000, 'x');
    int fed = 0;
    while (judge.feed(longLine) == JV::Undecided)
        ++fed;
    QCOMPARE(judge.verdict(), JV::Inconclusive);
    QCOMPARE(fed + 1, int(InjectionReplyJudge::MaxBytes / (longLine.size() + 2)) + 1);
    // A line past the transport's limit.
    InjectionReplyJudge overflowing(Protocol::Pop3);
    QCOMPARE(overflowing.overflowed(), JV::Inconclusive);
}

QTEST_GUILESS_MAIN(TestInjectionReplyJudge)
#include "TestInjectionReplyJudge.moc"
