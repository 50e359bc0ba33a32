// libFuzzer target for ServerHelloParser (app/tls): arbitrary bytes as a server's answer to a
// raw ClientHello.
//
// Properties: a refusal to parse says why; a decision (ServerHello or alert) does not change when
// more bytes arrive; whatever a ServerKeyExchange holds, reading its DH size or group is bounded.

#include "FuzzMain.h"
#include "tls/ServerHelloParser.h"

MAILSCOPE_FUZZ_INITIALIZE

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    for (const auto depth : {ServerHelloParser::Depth::ServerHello, ServerHelloParser::Depth::KeyExchange}) {
        const ServerAnswer a = ServerHelloParser::parse(input, depth);
        if (a.kind == ServerAnswer::Kind::Malformed && a.problem.isEmpty())
            fuzz::propertyFailed("a malformed answer must say why");
        if (a.kind == ServerAnswer::Kind::ServerHello) {
            if (const auto bits = ServerHelloParser::dhPrimeBits(a.hello.serverKeyExchange);
                bits && *bits <= 0)
                fuzz::propertyFailed("a DH prime has at least one bit");
            (void)ServerHelloParser::ecdheGroup(a.hello.serverKeyExchange);
            (void)ServerHelloParser::groupName(a.hello.keyShareGroup.value_or(0));
            (void)ServerHelloParser::versionName(a.hello.version);
        }
        if (a.kind == ServerAnswer::Kind::Alert)
            (void)ServerHelloParser::alertName(a.alertDescription);
    }
    // Stability: the answer decided on a prefix is the answer on the whole input.
    const ServerAnswer whole = ServerHelloParser::parse(input);
    if (whole.kind == ServerAnswer::Kind::ServerHello || whole.kind == ServerAnswer::Kind::Alert) {
        for (qsizetype cut = 1; cut < input.size(); cut = cut * 2 + 1) {
            const ServerAnswer part = ServerHelloParser::parse(input.left(cut));
            if (part.kind == ServerAnswer::Kind::NeedMore)
                continue;
            if (part.kind != whole.kind || part.hello.cipher != whole.hello.cipher
                || part.alertDescription != whole.alertDescription)
                fuzz::propertyFailed("a decided answer changed when more bytes arrived");
        }
    }
    return 0;
}
