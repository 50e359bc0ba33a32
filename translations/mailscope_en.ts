<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CommandInjectionProbe</name>
    <message numerus="yes">
        <source>… (%n byte(s) in all)</source>
        <translation>
            <numerusform>… (%n byte in all)</numerusform>
            <numerusform>… (%n bytes in all)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Findings</name>
    <message numerus="yes">
        <source>%n day(s) left (expires %1)</source>
        <translation>
            <numerusform>%n day left (expires %1)</numerusform>
            <numerusform>%n days left (expires %1)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message numerus="yes">
        <source>%1 (%n MX)</source>
        <translation>
            <numerusform>%1 (%n MX)</numerusform>
            <numerusform>%1 (%n MX)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>InjectionReplyJudge</name>
    <message numerus="yes">
        <source>It also sent %n line(s) answering nothing the probe sent; the first: %1</source>
        <translation>
            <numerusform>It also sent %n line answering nothing the probe sent; the first: %1</numerusform>
            <numerusform>It also sent %n lines answering nothing the probe sent; the first: %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageTransaction</name>
    <message numerus="yes">
        <source>%1 bytes, %n MIME part(s)</source>
        <translation>
            <numerusform>%1 bytes, %n MIME part</numerusform>
            <numerusform>%1 bytes, %n MIME parts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProbeSession</name>
    <message numerus="yes">
        <source>%1 has %n address(es): %2</source>
        <translation>
            <numerusform>%1 has %n address: %2</numerusform>
            <numerusform>%1 has %n addresses: %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Capabilities re-read over TLS: %n extension(s)</source>
        <translation>
            <numerusform>Capabilities re-read over TLS: %n extension</numerusform>
            <numerusform>Capabilities re-read over TLS: %n extensions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Server offered %n extension(s) over TLS</source>
        <translation>
            <numerusform>Server offered %n extension over TLS</numerusform>
            <numerusform>Server offered %n extensions over TLS</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Server offered %n extension(s), including %1</source>
        <translation>
            <numerusform>Server offered %n extension, including %1</numerusform>
            <numerusform>Server offered %n extensions, including %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Server offered %n extension(s), without %1</source>
        <translation>
            <numerusform>Server offered %n extension, without %1</numerusform>
            <numerusform>Server offered %n extensions, without %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The server spoke in plaintext on an implicit-TLS port (%n byte(s) discarded)</source>
        <translation>
            <numerusform>The server spoke in plaintext on an implicit-TLS port (%n byte discarded)</numerusform>
            <numerusform>The server spoke in plaintext on an implicit-TLS port (%n bytes discarded)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n byte(s) received after the go-ahead and before TLS: %1</source>
        <translation>
            <numerusform>%n byte received after the go-ahead and before TLS: %1</numerusform>
            <numerusform>%n bytes received after the go-ahead and before TLS: %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pipelined (RFC 2920): these %n commands went in one write</source>
        <translation>
            <numerusform>Pipelined (RFC 2920): this %n command went in one write</numerusform>
            <numerusform>Pipelined (RFC 2920): these %n commands went in one write</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ProfileStore</name>
    <message numerus="yes">
        <source>The profile file %1 could not be used: %2. It was moved, unchanged, to %3. Mailscope goes on with the %n profile(s) that could be read.</source>
        <translation>
            <numerusform>The profile file %1 could not be used: %2. It was moved, unchanged, to %3. Mailscope goes on with the %n profile that could be read.</numerusform>
            <numerusform>The profile file %1 could not be used: %2. It was moved, unchanged, to %3. Mailscope goes on with the %n profiles that could be read.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n profile(s) recovered from the moved file were saved to %1.</source>
        <translation>
            <numerusform>%n profile recovered from the moved file was saved to %1.</numerusform>
            <numerusform>%n profiles recovered from the moved file were saved to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReportText</name>
    <message numerus="yes">
        <source>%n cipher(s)</source>
        <translation>
            <numerusform>%n cipher</numerusform>
            <numerusform>%n ciphers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n probe(s), %1 ms</source>
        <translation>
            <numerusform>%n probe, %1 ms</numerusform>
            <numerusform>%n probes, %1 ms</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunRecorder</name>
    <message numerus="yes">
        <source>… (%n more byte(s))</source>
        <translation>
            <numerusform>… (%n more byte)</numerusform>
            <numerusform>… (%n more bytes)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… %n more line(s) of this reply (%1 bytes) not recorded: only the first %2 lines of a reply are kept</source>
        <translation>
            <numerusform>… %n more line of this reply (%1 bytes) not recorded: only the first %2 lines of a reply are kept</numerusform>
            <numerusform>… %n more lines of this reply (%1 bytes) not recorded: only the first %2 lines of a reply are kept</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ServerOrderReader</name>
    <message numerus="yes">
        <source>no choice among %n suite(s)</source>
        <translation>
            <numerusform>no choice among %n suite</numerusform>
            <numerusform>no choice among %n suites</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TlsAudit</name>
    <message numerus="yes">
        <source>cipher enumeration for %1: %n probe(s) got no TLS answer (%2)</source>
        <translation>
            <numerusform>cipher enumeration for %1: %n probe got no TLS answer (%2)</numerusform>
            <numerusform>cipher enumeration for %1: %n probes got no TLS answer (%2)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TlsSuiteFindings</name>
    <message numerus="yes">
        <source>and %n more</source>
        <translation>
            <numerusform>and %n more</numerusform>
            <numerusform>and %n more</numerusform>
        </translation>
    </message>
</context>
</TS>
