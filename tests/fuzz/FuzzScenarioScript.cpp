// libFuzzer target for FakeMailServer's scenario script parser (tests/support).
//
// The input is a script. Parsing needs no socket (loadScript only reads text). Property: the
// directives that carry conversation lines (S:, R:, C:), turned into a transcript and back into a
// script with scriptFromTranscript(), parse again without errors and in the same number: an
// exported transcript always replays. Directives whose text holds line breaks (E:, N:) are not
// transcript lines and are left out.

#include "FakeMailServer.h"
#include "FuzzMain.h"

MAILSCOPE_FUZZ_INITIALIZE

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static FakeMailServer* const server = new FakeMailServer; // one parser state, reset per script
    const bool ok = server->loadScript(QString::fromUtf8(fuzz::bytes(data, size)));
    if (!ok && server->errors().isEmpty())
        fuzz::propertyFailed("a refused script must say why");

    using Kind = FakeMailServer::Directive::Kind;
    QList<TranscriptEntry> transcript;
    bool tls = false;
    for (const FakeMailServer::Directive& d : server->directives()) {
        // A transcript entry is one line. E: (escapes) and N: (floods) can carry line breaks or
        // many lines in one directive: they are scripts' own tools, never exported transcript lines.
        if (d.text.contains('\r') || d.text.contains('\n'))
            continue;
        TranscriptEntry e;
        e.step = StepId::Banner;
        e.tls = tls;
        e.text = QString::fromUtf8(d.text);
        switch (d.kind) {
        case Kind::Send:
            e.dir = 'S';
            break;
        case Kind::Raw:
            e.dir = 'S';
            e.discarded = true;
            break;
        case Kind::Expect:
            e.dir = 'C';
            break;
        case Kind::StartTls:
            tls = true;
            continue;
        default:
            continue;
        }
        transcript.append(e);
    }
    if (!server->loadScript(FakeMailServer::scriptFromTranscript(transcript)))
        fuzz::propertyFailed("a script made from a transcript must parse");
    qsizetype lines = 0;
    for (const FakeMailServer::Directive& d : server->directives()) {
        if (d.kind == Kind::Send || d.kind == Kind::Raw || d.kind == Kind::Expect
            || d.kind == Kind::ExpectAny)
            ++lines;
    }
    if (lines != transcript.size())
        fuzz::propertyFailed("a replayed transcript must keep every line");
    return 0;
}
