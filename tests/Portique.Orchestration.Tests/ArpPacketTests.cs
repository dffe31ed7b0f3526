using System.Net;
using System.Net.NetworkInformation;

namespace Portique.Orchestration.Tests;

/// <summary>The ARP frames the private network sends (RFC 826, RFC 5227 §2.3), byte for byte.</summary>
public sealed class ArpPacketTests
{
    private static readonly PhysicalAddress Service = PhysicalAddress.Parse("02:50:0a:58:00:05");

    [Fact]
    public void An_announcement_is_a_broadcast_request_whose_sender_and_target_are_the_service_address()
    {
        var frame = ArpPacket.Announcement(Service, IPAddress.Parse("10.88.0.5")).ToFrame();

        Assert.Equal(
            "FFFFFFFFFFFF" + "02500A580005" + "0806"
            + "0001" + "0800" + "06" + "04" + "0001"
            + "02500A580005" + "0A580005"
            + "000000000000" + "0A580005",
            Convert.ToHexString(frame));
    }

    [Fact]
    public void A_request_asks_for_the_target_from_the_sender()
    {
        var packet = ArpPacket.Request(PhysicalAddress.Parse("02:70:01:23:ab:cd"), IPAddress.Parse("10.88.0.1"), IPAddress.Parse("10.88.0.5"));

        var parsed = ArpPacket.TryParse(packet.ToFrame());

        Assert.Equal(packet, parsed);
        Assert.Equal(ArpOperation.Request, parsed!.Operation);
    }

    [Fact]
    public void A_reply_read_from_the_wire_gives_who_answered_and_from_which_address()
    {
        var reply = new ArpPacket(ArpOperation.Reply, Service, IPAddress.Parse("10.88.0.5"), PhysicalAddress.Parse("02:70:01:23:ab:cd"), IPAddress.Parse("10.88.0.1"));
        // Drivers pad short frames to 60 bytes: the padding is not part of the packet.
        var frame = reply.ToFrame().Concat(new byte[18]).ToArray();

        Assert.Equal(reply, ArpPacket.TryParse(frame));
    }

    [Theory]
    [InlineData(41, 12, 0x0806)] // one byte short
    [InlineData(42, 12, 0x0800)] // IPv4, not ARP
    [InlineData(42, 16, 0x86DD)] // ARP for IPv6 addresses
    [InlineData(42, 20, 0x0007)] // neither request nor reply
    public void A_frame_that_is_not_an_Ethernet_IPv4_ARP_request_or_reply_is_ignored(int length, int offset, int value)
    {
        var frame = ArpPacket.Announcement(Service, IPAddress.Parse("10.88.0.5")).ToFrame();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(offset), (ushort)value);

        Assert.Null(ArpPacket.TryParse(frame.AsSpan(0, length)));
    }

    [Fact]
    public void An_IPv6_address_cannot_be_announced_over_ARP()
    {
        Assert.Throws<ArgumentException>(() => ArpPacket.Announcement(Service, IPAddress.IPv6Loopback).ToFrame());
    }
}
