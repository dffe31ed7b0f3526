using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Portique.Orchestration;

/// <summary>
/// An Ethernet IPv4 ARP packet (RFC 826) and its frame: what the private network sends to learn a service's link-layer
/// address and to announce it (RFC 5227 §2.3: a request whose sender and target are the same address), so that the
/// other services forget the previous instance's. Pure: bytes in, bytes out.
/// </summary>
public sealed record ArpPacket(ArpOperation Operation, PhysicalAddress SenderHardware, IPAddress SenderAddress, PhysicalAddress TargetHardware, IPAddress TargetAddress)
{
    /// <summary>An Ethernet frame of an ARP packet: 14 bytes of header, 28 of ARP (padding is the driver's).</summary>
    public const int FrameLength = 42;

    /// <summary>EtherType of ARP.</summary>
    public const ushort EtherType = 0x0806;

    private static readonly PhysicalAddress Broadcast = new([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

    private static readonly PhysicalAddress Unknown = new([0, 0, 0, 0, 0, 0]);

    /// <summary>"Who has <paramref name="target"/>? Tell <paramref name="senderAddress"/>", sent to everyone.</summary>
    public static ArpPacket Request(PhysicalAddress senderHardware, IPAddress senderAddress, IPAddress target) =>
        new(ArpOperation.Request, senderHardware, senderAddress, Unknown, target);

    /// <summary>"<paramref name="address"/> is at <paramref name="hardware"/>": every neighbour holding an entry for it updates it.</summary>
    public static ArpPacket Announcement(PhysicalAddress hardware, IPAddress address) =>
        new(ArpOperation.Request, hardware, address, Unknown, address);

    /// <summary>The frame, broadcast, from <see cref="SenderHardware"/>.</summary>
    public byte[] ToFrame()
    {
        var frame = new byte[FrameLength];
        var span = frame.AsSpan();
        Write(span[..6], Broadcast);
        Write(span[6..12], SenderHardware);
        BinaryPrimitives.WriteUInt16BigEndian(span[12..], EtherType);
        BinaryPrimitives.WriteUInt16BigEndian(span[14..], 1); // Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(span[16..], 0x0800); // IPv4
        span[18] = 6;
        span[19] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(span[20..], (ushort)Operation);
        Write(span[22..28], SenderHardware);
        Write(span[28..32], SenderAddress);
        Write(span[32..38], TargetHardware);
        Write(span[38..42], TargetAddress);
        return frame;
    }

    /// <summary>The ARP packet of an Ethernet frame, or null: not ARP, not Ethernet/IPv4, too short.</summary>
    public static ArpPacket? TryParse(ReadOnlySpan<byte> frame)
    {
        if (frame.Length < FrameLength
            || BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != EtherType
            || BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) != 1
            || BinaryPrimitives.ReadUInt16BigEndian(frame[16..]) != 0x0800
            || frame[18] != 6 || frame[19] != 4
            || BinaryPrimitives.ReadUInt16BigEndian(frame[20..]) is not ((ushort)ArpOperation.Request or (ushort)ArpOperation.Reply))
        {
            return null;
        }

        return new ArpPacket(
            (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(frame[20..]),
            new PhysicalAddress(frame[22..28].ToArray()),
            new IPAddress(frame[28..32]),
            new PhysicalAddress(frame[32..38].ToArray()),
            new IPAddress(frame[38..42]));
    }

    private static void Write(Span<byte> destination, PhysicalAddress hardware)
    {
        var bytes = hardware.GetAddressBytes();
        if (bytes.Length != 6)
        {
            throw new ArgumentException("an Ethernet address has 6 bytes: " + hardware, nameof(hardware));
        }

        bytes.CopyTo(destination);
    }

    private static void Write(Span<byte> destination, IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetwork || !address.TryWriteBytes(destination, out _))
        {
            throw new ArgumentException("an IPv4 address is needed: " + address, nameof(address));
        }
    }
}

/// <summary>ARP's operation codes.</summary>
public enum ArpOperation : ushort
{
    Request = 1,
    Reply = 2,
}
